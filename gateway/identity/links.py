"""One-time links: invitations and password resets.

Links are 256-bit tokens stored as SHA-256 only, single-use and expiring; invitations last days,
a reset link an hour. Guessing tokens and asking for many resets are throttled (``attempts``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.identity import throttling
from gateway.identity.accounts import (
    AccountError,
    account_key,
    create_user,
    find_user,
    set_password,
    void_links,
)
from gateway.identity.attempts import failures, record_attempt
from gateway.models import (
    AccountToken,
    User,
    utcnow,
)
from services.common import config
from services.common.tokens import looks_like_token, new_token, token_hash


def link_lifetime(purpose: str) -> timedelta:
    """Invitations last days (the colleague may be away); a reset link an hour."""
    if purpose == "invitation":
        return timedelta(days=float(config.env("ACCOUNT_INVITATION_DAYS", "7")))
    return timedelta(minutes=float(config.env("PASSWORD_RESET_MINUTES", "60")))


@dataclass(frozen=True)
class IssuedLink:
    """A link's clear token (to be e-mailed, never stored) and when it stops working."""

    token: str
    expires_at: datetime


def issue_link(db: Session, user: User, purpose: str, now: datetime | None = None) -> IssuedLink:
    """A new single-use link token (returned in clear once, stored as a hash); earlier open
    links of the same purpose stop working."""
    now = now or utcnow()
    void_links(db, user, now, purpose)
    token = new_token()
    expires = now + link_lifetime(purpose)
    db.add(
        AccountToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=expires,
        )
    )
    db.flush()
    return IssuedLink(token, expires)


def link_is_valid(link: AccountToken, now: datetime) -> bool:
    """Unused and not expired: the whole rule of a one-time link."""
    return link.used_at is None and now < link.expires_at


def find_link(
    db: Session, token: str, purpose: str, now: datetime | None = None
) -> tuple[AccountToken, User] | None:
    """The open link and its active user, or None for anything else (all look alike)."""
    if not looks_like_token(token):
        return None
    now = now or utcnow()
    link = db.scalars(
        select(AccountToken).where(
            AccountToken.token_hash == token_hash(token), AccountToken.purpose == purpose
        )
    ).first()
    if link is None or not link_is_valid(link, now):
        return None
    user = db.get(User, link.user_id)
    if user is None or not user.active:
        return None
    return link, user


def complete_link(
    db: Session, token: str, purpose: str, password: str, ip: str, now: datetime | None = None
) -> User | None:
    """Set the password through an invitation or reset link (committed). The link is used up,
    the user's sessions end, and the success clears the account's login lockout."""
    now = now or utcnow()
    found = find_link(db, token, purpose, now)
    if found is None:
        return None
    link, user = found
    set_password(db, user, password, now)
    link.used_at = now
    void_links(db, user, now)
    record_attempt(db, "login", account_key(user.municipality_id, user.email), ip, True, now)
    db.commit()
    return user


def link_locked(db: Session, ip: str, now: datetime | None = None) -> bool:
    """Too many refused links from this client lately (guessing tokens)."""
    now = now or utcnow()
    limit = throttling.LINK_CLIENT
    return throttling.locked_until(failures(db, "link", now, limit, ip=ip), limit, now) is not None


def link_refused(db: Session, ip: str, now: datetime | None = None) -> None:
    record_attempt(db, "link", "link", ip, False, now or utcnow())
    db.commit()


def request_reset(
    db: Session, municipality_id: int | None, email: str, ip: str, now: datetime | None = None
) -> tuple[User, IssuedLink] | None:
    """A reset link for an active account with a password, at most 3 an hour per account and
    per client; None otherwise. The caller says the same thing either way."""
    now = now or utcnow()
    account = account_key(municipality_id, email)
    limit = throttling.RESET_REQUESTS
    for match in ({"account": account}, {"ip": ip}):
        if throttling.locked_until(failures(db, "reset", now, limit, **match), limit, now):
            return None
    record_attempt(db, "reset", account, ip, False, now)
    user = find_user(db, municipality_id, email)
    if user is None or not user.active or user.invited:
        db.commit()
        return None
    link = issue_link(db, user, "reset", now)
    db.commit()
    return user, link


def invite_user(
    db: Session,
    *,
    municipality_id: int,
    email: str,
    name: str,
    role: str,
    unit_id: int | None = None,
    language: str = "da",
    now: datetime | None = None,
) -> tuple[User, IssuedLink]:
    """A new invited account and its invitation token (flushed, not committed). Inviting an
    address that is still invited sends a fresh link instead."""
    existing = find_user(db, municipality_id, email)
    if existing is not None:
        if not existing.invited or not existing.active:
            raise AccountError("email", "a user with this e-mail already exists there")
        return existing, issue_link(db, existing, "invitation", now)
    user = create_user(
        db,
        municipality_id=municipality_id,
        email=email,
        name=name,
        role=role,
        password=None,
        unit_id=unit_id,
        language=language,
    )
    return user, issue_link(db, user, "invitation", now)
