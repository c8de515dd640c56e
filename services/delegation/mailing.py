"""Delegation's e-mails on their way to the mail service, and their states read back.

A database and RPC adapter (no nameko entrypoints: the service hands in its session and its
``mail`` proxy). In plain words:

* a mail is requested as a ``mail_requests`` row (the ``queue_mail`` call: key and message) in
  the transaction of the change that needs it; a mail to the delegate mints its own link token
  there, so an old e-mail keeps working;
* after the commit the request is handed to ``mail.queue_mail`` (idempotent by key) and deleted,
  so the clear token leaves this database; the first failure stops the hand-over (mail is away)
  and the service's relay timer hands over what is left, oldest first;
* every call to mail is bounded (nameko's own calls wait for ever); one a user waits for by
  ``MAIL_CALL_SECONDS``, so a mail service that is away slows a page but never fails it;
* the pages show a delegation's mails as the mail service knows them, then the requests still
  waiting here as pending; while mail is away only those.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import eventlet
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common import config
from services.common.errors import ValidationFailed
from services.common.outbox import utcnow
from services.delegation import settings, tokens, views
from services.delegation.errors import MailUnavailable
from services.delegation.models import Delegation, DelegationToken, MailRequest

log = logging.getLogger(__name__)


def mail_reference(delegation_id: int) -> str:
    """How the mail service groups a delegation's mails."""
    return f"delegation:{delegation_id}"


def waiting_mail(request: MailRequest) -> dict:
    """A mail not yet handed to the mail service, as ``mail.list_mails`` shows a pending one."""
    return {
        "kind": request.message["kind"],
        "to_name": request.message["to_name"],
        "to_addr": request.message["to_addr"],
        "state": "pending",
        "attempts": 0,
        "last_error": None,
        "created_at": views.iso(request.created_at),
        "sent_at": None,
    }


def ask(mail: object, method: str, *args: object, seconds: float | None = None) -> object:
    """An RPC to the mail service, bounded; any failure but a refusal is MailUnavailable."""
    try:
        with eventlet.Timeout(seconds or config.rpc_timeout()):
            return getattr(mail, method)(*args)
    except (Exception, eventlet.Timeout) as exc:  # noqa: BLE001 - any failure: not now
        if isinstance(exc, ValidationFailed):
            raise
        raise MailUnavailable("the mail service did not answer") from exc


def new_requests(db: Session) -> list[MailRequest]:
    """The mail requests this worker wrote (kept on the session until handed over)."""
    return db.info.setdefault("mail_requests", [])


def request(db: Session, key: str, message: dict) -> None:
    """A ``queue_mail`` call written down in the caller's transaction."""
    row = MailRequest(idempotency_key=key, reference=message.get("reference"), message=message)
    db.add(row)
    new_requests(db).append(row)


def delegation_message(
    d: Delegation, kind: str, context: dict, link: dict | None, to_delegate: bool
) -> dict:
    """The ``queue_mail`` message of a delegation's mail; the mail service renders it."""
    da_name, en_name = views.scope_names(d)
    grace = timedelta(days=settings.grace_days())
    full = {
        "municipality_name": d.municipality_name,
        "delegate_name": d.delegate_name,
        "delegator_name": d.delegator_name,
        "scope_name_da": da_name,
        "scope_name_en": en_name,
        "year": d.year,
        "due_date": d.due_date.isoformat(),
        "expires_on": (d.due_date + grace).isoformat(),
        "message": d.message,
        "question_count": len(d.question_keys),
        **context,
    }
    return {
        "kind": kind,
        "municipality_id": d.municipality_id,
        "reference": mail_reference(d.id),
        "to_name": d.delegate_name if to_delegate else d.delegator_name,
        "to_addr": d.delegate_email if to_delegate else d.delegator_email,
        "context": full,
        "link": link,
    }


def queue(
    db: Session, d: Delegation, kind: str, key: str, context: dict, to_delegate: bool = True
) -> None:
    """Request a delegation's mail in the caller's transaction; a delegate's gets a fresh link."""
    link = None
    if to_delegate:
        secret = tokens.new_token()
        db.add(DelegationToken(delegation_id=d.id, token_hash=tokens.token_hash(secret)))
        link = {"token": secret, "path": settings.DELEGATE_LINK_PATH}
    request(db, key, delegation_message(d, kind, context, link, to_delegate))


def hand_over(db: Session, mail: object, requests: list[MailRequest], seconds: float) -> None:
    """Give committed requests to the mail service; one that is handed over is deleted, so
    the clear link token leaves this database. Stops at the first failure (mail is away)."""
    while requests:
        waiting = requests.pop(0)
        try:
            ask(mail, "queue_mail", waiting.idempotency_key, waiting.message, seconds=seconds)
        except MailUnavailable:
            requests.clear()
            log.info("delegation: mail %s waits for the mail service", waiting.idempotency_key)
            return
        except ValidationFailed as exc:
            log.error("delegation: the mail service refused %s: %s", waiting.idempotency_key, exc)
        db.execute(MailRequest.__table__.delete().where(MailRequest.id == waiting.id))
        db.commit()


def left_over(db: Session) -> list[MailRequest]:
    """Requests older than the relay interval, oldest first: their worker did not hand them over."""
    return list(
        db.scalars(
            select(MailRequest)
            .where(MailRequest.created_at <= utcnow() - timedelta(seconds=2))
            .order_by(MailRequest.id)
            .limit(settings.MAIL_BATCH)
        ).all()
    )


def mails_of(db: Session, mail: object, delegation_ids: list[int]) -> dict[int, list[dict]]:
    """Each delegation's mails as the mail service knows them, then those still waiting here
    to be handed over (pending too). While mail is away only the waiting ones are shown:
    the page shows no mail problem rather than failing."""
    found: dict[int, list[dict]] = {i: [] for i in delegation_ids}
    if not delegation_ids:
        return found
    references = {mail_reference(i): i for i in delegation_ids}
    try:
        by_reference = ask(mail, "list_mails", list(references), seconds=settings.MAIL_CALL_SECONDS)
    except MailUnavailable:
        log.warning("delegation: mail states unknown, the mail service did not answer")
        by_reference = {}
    for reference, delegation_id in references.items():
        found[delegation_id] = list(by_reference.get(reference, []))
    waiting = db.scalars(
        select(MailRequest)
        .where(MailRequest.reference.in_(list(references)))
        .order_by(MailRequest.id)
    )
    for row in waiting:
        found[references[row.reference]].append(waiting_mail(row))
    return found


def cancel_links(mail: object, delegation_id: int) -> None:
    """A closed delegation's unsent mails carry links that no longer work: drop them.

    After the commit and best effort: the link is refused anyway once the delegation is
    closed, so a mail service that is away costs at most a mail with a dead link."""
    try:
        ask(mail, "cancel_links", mail_reference(delegation_id), seconds=settings.MAIL_CALL_SECONDS)
    except MailUnavailable:
        log.warning("delegation: unsent links of delegation %s not cancelled", delegation_id)
