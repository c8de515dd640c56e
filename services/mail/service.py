"""The mail service: every e-mail of the platform leaves through this one outbox.

Thin on purpose: the rules live in ``rules`` (address, backoff, give-up, Message-ID),
``rendering`` (templates and catalogues, Danish then English) and ``smtp`` (the session and
telling a permanent failure from a passing one); this class validates, stores, sends and counts.
Delegation, the gateway's accounts and reporting queue their mails here by RPC with one
idempotency key each; a link's clear token is kept only until SMTP has the mail.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

from jinja2 import UndefinedError
from nameko.timer import timer
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.common import config
from services.common.db import Database
from services.common.errors import ValidationFailed
from services.common.metrics import (
    MAIL_FAILURES,
    MAILS_PENDING,
    MAILS_PERMANENTLY_FAILED,
    MAILS_SENT,
    Metrics,
)
from services.common.outbox import utcnow
from services.common.rpc import rpc
from services.common.validation import load
from services.mail import rendering, rules, smtp
from services.mail.models import MailMessage
from services.mail.schemas import QueueSchema

MIGRATIONS = Path(__file__).parent / "migrations"
MAIL_SEND_SECONDS = float(config.env("MAIL_SEND_SECONDS", "2"))
CLAIM_LEASE = timedelta(minutes=5)
MAIL_BATCH = 50
log = logging.getLogger(__name__)


def public_base_url() -> str:
    return config.env("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")


def _iso(moment: object) -> str | None:
    return None if moment is None else moment.isoformat() + "Z"


def mail_summary(row: MailMessage) -> dict:
    """What a caller may show about one of its mails (never the body or the link)."""
    return {
        "kind": row.kind,
        "to_name": row.to_name,
        "to_addr": row.to_addr,
        "state": row.state,
        "attempts": row.attempts,
        "last_error": row.last_error,
        "created_at": _iso(row.created_at),
        "sent_at": _iso(row.sent_at),
    }


class MailService:
    name = "mail"

    db: Session = Database("mail", MIGRATIONS)
    metrics = Metrics()

    @rpc
    def health(self) -> dict:
        self.db.execute(select(1))
        return {"service": self.name, "status": "ok"}

    # -- queueing ---------------------------------------------------------------------------

    @rpc
    def queue_mail(self, idempotency_key: str, message: dict) -> dict:
        """Put one mail into the outbox, once per ``idempotency_key``.

        ``message``: ``{kind, municipality_id, reference, to_name, to_addr}`` plus either
        ``context`` for a kind this service renders (``rendering.KINDS``) or ``subject``,
        ``text`` and ``html`` already rendered; ``link: {token, path}`` for a mail whose link is
        filled in at sending. Queueing a key again returns the first mail, ``created`` false.
        """
        if isinstance(idempotency_key, str):
            existing = self._by_key(idempotency_key)
            if existing is not None:
                return {"id": existing.id, "state": existing.state, "created": False}
        loaded = load(QueueSchema(), {"idempotency_key": idempotency_key, "message": message})
        key, fields = loaded["idempotency_key"], loaded["message"]
        try:
            address = rules.checked_address(fields["to_addr"])
        except rules.AddressInvalid as exc:
            raise ValidationFailed(str(exc), field="message.to_addr") from exc
        row = self._new_row(key, fields, address)
        self.db.add(row)
        try:
            self.db.commit()
        except IntegrityError:
            self.db.rollback()
            existing = self._by_key(key)
            return {"id": existing.id, "state": existing.state, "created": False}
        return {"id": row.id, "state": row.state, "created": True}

    def _by_key(self, key: str) -> MailMessage | None:
        return self.db.scalar(select(MailMessage).where(MailMessage.idempotency_key == key))

    def _new_row(self, key: str, fields: dict, address: str) -> MailMessage:
        link = fields["link"]
        if fields["kind"] in rendering.KINDS:
            context = {
                **fields["context"],
                "base_url": public_base_url(),
                "link": rendering.LINK_PLACEHOLDER,
            }
            try:
                rendered = rendering.render(fields["kind"], context)
            except (UndefinedError, TypeError, ValueError) as exc:
                raise ValidationFailed(
                    f"message.context does not fit the {fields['kind']} mail: {exc}",
                    field="message.context",
                ) from exc
            subject, text, html = rendered.subject, rendered.text, rendered.html
        else:
            subject, text, html = fields["subject"], fields["text"], fields["html"]
        settings = smtp.SmtpSettings.from_env()
        return MailMessage(
            idempotency_key=key,
            municipality_id=fields["municipality_id"] or 0,
            reference=fields["reference"],
            kind=fields["kind"],
            to_name=fields["to_name"].strip(),
            to_addr=address,
            subject=subject[:300],
            text_body=text,
            html_body=html,
            message_id=rules.message_id(key, settings.sender_domain),
            secret=link["token"] if link else None,
            link_base=f"{public_base_url()}{link['path']}" if link else None,
        )

    # -- what callers see of their mails ------------------------------------------------------

    @rpc
    def list_mails(self, references: list[str]) -> dict[str, list[dict]]:
        """The mails of each reference, oldest first (a delegation's detail page shows them)."""
        if not isinstance(references, list) or not all(isinstance(r, str) for r in references):
            raise ValidationFailed("references must be a list of texts", field="references")
        found: dict[str, list[dict]] = {r: [] for r in references}
        if references:
            rows = self.db.scalars(
                select(MailMessage)
                .where(MailMessage.reference.in_(references))
                .order_by(MailMessage.id)
            )
            for row in rows:
                found[row.reference].append(mail_summary(row))
        return found

    @rpc
    def cancel_links(self, reference: str) -> int:
        """Drop the unsent mails of a reference that carry a link: the link no longer works."""
        result = self.db.execute(
            update(MailMessage)
            .where(MailMessage.reference == reference, MailMessage.state == "pending")
            .where(MailMessage.secret.is_not(None))
            .values(state="cancelled", secret=None, claimed_until=None)
        )
        self.db.commit()
        return result.rowcount

    # -- sending ----------------------------------------------------------------------------

    @timer(interval=MAIL_SEND_SECONDS)
    def send_mail(self) -> int:
        """Hand due messages to SMTP, each exactly once as far as this database can tell."""
        claimed = self._claim()
        if not claimed:
            return 0
        settings = smtp.SmtpSettings.from_env()
        sent = 0
        try:
            with smtp.connect(settings) as client:
                for index, mail_id in enumerate(claimed):
                    row = self.db.get(MailMessage, mail_id)
                    try:
                        smtp.send(client, self._mime(row, settings), settings.sender)
                    except smtp.SendFailed as exc:
                        self._failed(row, exc)
                        if not exc.permanent:
                            self._release(claimed[index + 1 :])
                            break
                        continue
                    row.state, row.sent_at = "sent", utcnow()
                    row.secret, row.claimed_until, row.last_error = None, None, None
                    self.db.commit()
                    MAILS_SENT.labels(kind=row.kind).inc()
                    sent += 1
        except smtp.SendFailed as exc:
            for mail_id in claimed:
                row = self.db.get(MailMessage, mail_id)
                if row.state == "pending" and row.sent_at is None:
                    self._failed(row, exc)
        return sent

    def _claim(self) -> list[int]:
        """Lease due messages to this worker, so that two timers never send the same one."""
        now = utcnow()
        unclaimed = or_(MailMessage.claimed_until.is_(None), MailMessage.claimed_until < now)
        candidates = self.db.scalars(
            select(MailMessage.id)
            .where(MailMessage.state == "pending", MailMessage.next_attempt_at <= now, unclaimed)
            .order_by(MailMessage.id)
            .limit(MAIL_BATCH)
        ).all()
        MAILS_PENDING.set(
            self.db.scalar(
                select(func.count()).select_from(MailMessage).where(MailMessage.state == "pending")
            )
            or 0
        )
        claimed = []
        for mail_id in candidates:
            result = self.db.execute(
                update(MailMessage)
                .where(MailMessage.id == mail_id, MailMessage.state == "pending", unclaimed)
                .values(claimed_until=now + CLAIM_LEASE)
            )
            if result.rowcount == 1:
                claimed.append(mail_id)
        self.db.commit()
        return claimed

    def _mime(self, row: MailMessage, settings: smtp.SmtpSettings) -> EmailMessage:
        link = f"{row.link_base}{row.secret}" if row.secret and row.link_base else None
        return rendering.build_message(
            subject=row.subject,
            text=row.text_body,
            html=row.html_body,
            to_name=row.to_name,
            to_addr=row.to_addr,
            from_addr=settings.sender,
            msg_id=row.message_id,
            created_at=row.created_at,
            link=link,
        )

    def _failed(self, row: MailMessage, exc: smtp.SendFailed) -> None:
        """Permanent: shown to the sender's side. Temporary: back off, or give up after days."""
        row.attempts += 1
        row.claimed_until = None
        row.last_error = exc.reason[:300]
        give_up = timedelta(hours=float(config.env("MAIL_GIVE_UP_HOURS", "72")))
        if rules.gives_up(exc.permanent, row.created_at, utcnow(), give_up):
            row.state, row.secret = "failed", None
            MAILS_PERMANENTLY_FAILED.labels(kind=row.kind).inc()
            log.warning("mail #%s (%s) failed permanently: %s", row.id, row.kind, exc.reason)
        else:
            row.next_attempt_at = utcnow() + rules.retry_delay(
                row.attempts,
                float(config.env("MAIL_RETRY_BASE_SECONDS", "30")),
                float(config.env("MAIL_RETRY_MAX_SECONDS", "3600")),
            )
            MAIL_FAILURES.labels(kind=row.kind).inc()
            log.info("mail #%s (%s) not sent yet: %s", row.id, row.kind, exc.reason)
        self.db.commit()

    def _release(self, mail_ids: list[int]) -> None:
        if mail_ids:
            self.db.execute(
                update(MailMessage).where(MailMessage.id.in_(mail_ids)).values(claimed_until=None)
            )
            self.db.commit()
