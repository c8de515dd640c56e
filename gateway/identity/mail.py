"""Account e-mails (invitation, password reset) go out through the mail service, so the
platform has one mailer with one retry policy. The gateway hands over the clear token once; the
mail service keeps it only until SMTP has the mail."""

from __future__ import annotations

from datetime import datetime

from gateway import clients
from gateway.identity.links import IssuedLink
from gateway.models import User
from gateway.rpc import ServiceUnavailable
from services.common.errors import PlatformError
from services.common.localtime import LOCAL_TIME
from services.common.tokens import token_hash

LINK_PATHS = {"invitation": "/konto/invitation/", "reset": "/konto/nulstil/"}
KINDS = {"invitation": "account_invite", "reset": "password_reset"}
ROLE_NAMES = {
    "coordinator": ("koordinator", "coordinator"),
    "unit_lead": ("enhedsleder", "unit lead"),
    "respondent": ("besvarer", "respondent"),
    "kl_analyst": ("KL-analytiker", "KL analyst"),
    "admin": ("administrator", "administrator"),
}


def _when(moment: datetime) -> tuple[str, str]:
    local = moment.astimezone(LOCAL_TIME)
    return (
        local.strftime("%d.%m.%Y kl. %H:%M"),
        local.strftime("%d %b %Y at %H:%M (Danish time)"),
    )


def send_link(
    user: User,
    purpose: str,
    link: IssuedLink,
    municipality_name: str,
    inviter_name: str = "",
) -> bool:
    """Queue the e-mail; False when the mail service cannot take it now (the caller says so
    and offers to send it again; the account itself is already saved)."""
    role_da, role_en = ROLE_NAMES[user.role]
    expires_da, expires_en = _when(link.expires_at)
    try:
        clients.mail.queue_mail(
            idempotency_key=f"account:{purpose}:{user.id}:{token_hash(link.token)[:16]}",
            message={
                "kind": KINDS[purpose],
                "municipality_id": user.municipality_id,
                "to_name": user.name,
                "to_addr": user.email,
                "context": {
                    "name": user.name,
                    "email": user.email,
                    "municipality_name": municipality_name,
                    "inviter_name": inviter_name,
                    "role_da": role_da,
                    "role_en": role_en,
                    "expires_da": expires_da,
                    "expires_en": expires_en,
                },
                "link": {"token": link.token, "path": LINK_PATHS[purpose]},
            },
        )
    except (ServiceUnavailable, PlatformError):
        return False
    return True


def municipality_name(municipality_id: int | None) -> str:
    """The municipality's name for an e-mail; KL for national accounts; the code if survey is
    unreachable."""
    if municipality_id is None:
        return "KL"
    try:
        for m in clients.survey.list_municipalities():
            if m["id"] == municipality_id:
                return m["name"]
    except ServiceUnavailable:
        pass
    return f"kommunekode {municipality_id}"
