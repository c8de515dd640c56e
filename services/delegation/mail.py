"""The e-mails of a delegation: rendered from Jinja2 templates in files, Danish then English.

Each message has a plain-text and an HTML part from ``templates/<kind>.txt`` and
``templates/<kind>.html``; the text template's first line is the subject. A delegate's link is
rendered as a placeholder and filled in only when the mail is handed to SMTP, so the clear token
is kept in the database just as long as the mail is waiting to be sent.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from services.common.localtime import day_text

TEMPLATES = Path(__file__).parent / "templates"
KINDS = ("invitation", "reminder", "sent_back", "submitted", "digest")
ACCOUNT_KINDS = ("account_invite", "password_reset")
LINK_PLACEHOLDER = "@@DELEGATE-LINK@@"
STATE_LABELS = {
    "assigned": {"da": "Sendt", "en": "Assigned"},
    "in_progress": {"da": "I gang", "en": "In progress"},
    "submitted": {"da": "Indsendt – afventer godkendelse", "en": "Submitted – awaiting review"},
    "sent_back": {"da": "Sendt tilbage", "en": "Sent back"},
    "approved": {"da": "Godkendt", "en": "Approved"},
    "revoked": {"da": "Trukket tilbage", "en": "Revoked"},
}

_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def date_da(value: date) -> str:
    return day_text(value, "da")


def date_en(value: date) -> str:
    return day_text(value, "en")


_env.filters.update(date_da=date_da, date_en=date_en)
_env.globals["state_labels"] = STATE_LABELS


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def render(kind: str, context: dict) -> RenderedMail:
    """Both parts of one message; a missing context value fails loudly (StrictUndefined)."""
    if kind not in KINDS + ACCOUNT_KINDS:
        raise ValueError(f"unknown mail kind {kind!r}")
    text = _env.get_template(f"{kind}.txt").render(**context)
    subject, _, body = text.partition("\n")
    html = _env.get_template(f"{kind}.html").render(subject=subject.strip(), **context)
    return RenderedMail(subject.strip(), body.lstrip("\n"), html)


def message_id(idempotency_key: str, domain: str) -> str:
    """Stable per message, so a copy sent again after a crash is recognisably the same mail."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]
    return f"<{digest}@{domain}>"


def build_message(
    *,
    subject: str,
    text: str,
    html: str,
    to_name: str,
    to_addr: str,
    from_addr: str,
    msg_id: str,
    created_at: datetime,
    link: str | None = None,
) -> EmailMessage:
    """The MIME message (text + HTML alternative) with the link filled in."""
    if link is not None:
        text = text.replace(LINK_PLACEHOLDER, link)
        html = html.replace(LINK_PLACEHOLDER, link)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = from_addr
    message["To"] = formataddr((to_name, to_addr))
    message["Message-ID"] = msg_id
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    message["Date"] = format_datetime(created_at)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message
