"""The platform's e-mails (delegation, accounts): Danish first, then English, in one message.

Each kind has a plain-text and an HTML template (``templates/<kind>.txt`` and ``.html``) without
a word of its own: every sentence comes from the gettext catalogues in ``translations/`` and the
template is rendered once per language. The text template's first line is the subject; the
subject joins both languages with " / ". A delegate's link is rendered as a placeholder and
filled in only when the mail is handed to SMTP, so the clear token is kept in the database just
as long as the mail is waiting to be sent. Dates cross RPC as ISO text; ``day`` reads them back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from functools import partial
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from services.common.catalogs import LANGUAGES, Catalogs
from services.common.localtime import day_text

TEMPLATES = Path(__file__).parent / "templates"
CATALOGS = Catalogs(Path(__file__).parent / "translations")
DELEGATION_KINDS = ("invitation", "reminder", "sent_back", "submitted", "digest")
ACCOUNT_KINDS = ("account_invite", "password_reset")
KINDS = DELEGATION_KINDS + ACCOUNT_KINDS
LINK_PLACEHOLDER = "@@DELEGATE-LINK@@"
TEXT_SEPARATOR = "\n\n-- English --\n\n"

_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def day_in(value: date | str, lang: str) -> str:
    """A date, or its ISO text as it arrives over RPC, as people read it."""
    return day_text(date.fromisoformat(value) if isinstance(value, str) else value, lang)


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def _in_language(context: dict, lang: str) -> dict:
    """The context as one language sees it: ``scope_name_da`` becomes ``scope_name``, etc."""
    values = dict(context)
    suffix = f"_{lang}"
    for key, value in context.items():
        if key.endswith(suffix):
            values[key.removesuffix(suffix)] = value
    values.update(lang=lang, t=partial(CATALOGS.text, lang=lang), day=partial(day_in, lang=lang))
    return values


def render(kind: str, context: dict) -> RenderedMail:
    """Both parts of one message; a missing context value fails loudly (StrictUndefined)."""
    if kind not in KINDS:
        raise ValueError(f"unknown mail kind {kind!r}")
    subjects, texts, bodies = [], [], []
    for lang in LANGUAGES:
        values = _in_language(context, lang)
        subject, _, text = _env.get_template(f"{kind}.txt").render(**values).partition("\n")
        subjects.append(subject.strip())
        texts.append(text.strip("\n"))
        body = _env.get_template(f"{kind}.html").render(**values)
        bodies.append((lang, Markup(body)))  # noqa: S704 - escaped by its own autoescaping template
    subject = " / ".join(subjects)
    footer = " · ".join(CATALOGS.text("mail.footer", lang) for lang in LANGUAGES)
    html = _env.get_template("_layout.html").render(
        subject=subject,
        municipality_name=context.get("municipality_name", ""),
        bodies=bodies,
        footer=footer,
    )
    return RenderedMail(subject, TEXT_SEPARATOR.join(texts), html)


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
