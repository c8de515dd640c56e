"""The delegation service: questions handed to people by e-mailed links, reviewed, reminded.

Thin on purpose: each RPC and timer checks its input, calls one module and commits. The rules
live in ``states`` (the state machine), ``scope`` (which questions, who may delegate),
``tokens`` (links), ``scheduling`` (reminders) and ``digest`` (the daily overview); what the
replies show in ``views``. The jobs: ``review`` (the coordinator's side: make, re-delegate,
extend, send back), ``links`` (the delegate's side: open, save, submit, the rate limit),
``reminders`` (the daily mails), ``mailing`` (mail requests and their hand-over to the mail
service), ``records`` (delegations in the database). Events go through the outbox in this
service's own database; an e-mail is written as a request into ``mail_requests`` in the
transaction of the change that needs it and handed to the mail service (``mail.queue_mail``,
idempotent by key) after the commit, or by the relay timer while mail is away.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from nameko.events import EventDispatcher
from nameko.rpc import RpcProxy
from nameko.timer import timer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.common import config, localtime, outbox
from services.common.db import Database
from services.common.errors import Conflict, ValidationFailed
from services.common.metrics import DELEGATIONS_OPEN, Metrics
from services.common.rpc import rpc
from services.common.validation import load
from services.delegation import links, mailing, records, reminders, review, settings, views
from services.delegation.models import Delegation, Outbox
from services.delegation.schemas import (
    CommentSchema,
    CreateSchema,
    ManagerSchema,
    RedelegateSchema,
)

MIGRATIONS = Path(__file__).parent / "migrations"


class DelegationService:
    name = "delegation"

    db: Session = Database("delegation", MIGRATIONS)
    survey = RpcProxy("survey")
    mail = RpcProxy("mail")
    dispatch = EventDispatcher()
    metrics = Metrics()

    @rpc
    def health(self) -> dict:
        self.db.execute(select(1))
        return {"service": self.name, "status": "ok"}

    # -- after a change ---------------------------------------------------------------------

    def _commit_and_publish(self, rows: list) -> None:
        """Commit, then publish this worker's events and hand over its mails; the relay timer
        catches any failure."""
        self.db.commit()
        if rows:
            outbox.publish(self.db, Outbox, self.dispatch, self.name, rows=rows)
        mailing.hand_over(
            self.db, self.mail, mailing.new_requests(self.db), settings.MAIL_CALL_SECONDS
        )

    @timer(interval=2)
    def relay_outbox(self) -> None:
        outbox.publish(self.db, Outbox, self.dispatch, self.name, older_than=timedelta(seconds=2))
        mailing.hand_over(self.db, self.mail, mailing.left_over(self.db), config.rpc_timeout())
        DELEGATIONS_OPEN.set(records.count_active(self.db))

    def _summary(self, d: Delegation) -> dict:
        mails = mailing.mails_of(self.db, self.mail, [d.id])[d.id]
        return views.summary(d, mails, localtime.local_today(), settings.grace_days())

    def _managed(
        self, municipality_id: int, delegation_id: int, actor: dict, lock: bool = False
    ) -> Delegation:
        return review.managed(self.db, self.survey, municipality_id, delegation_id, actor, lock)

    # -- coordinator: create and manage -----------------------------------------------------

    @rpc
    def create_delegation(self, municipality_id: int, year: int, data: dict, actor: dict) -> dict:
        actor = load(ManagerSchema(), actor)
        fields = load(CreateSchema(), data)
        review.check_due_date(fields["due_date"])
        target = review.target(self.survey, municipality_id, year, fields, actor)
        try:
            d, rows = review.create(self.db, municipality_id, year, fields, actor, target)
            self._commit_and_publish(rows)
        except IntegrityError as exc:
            self.db.rollback()
            raise Conflict(
                "one of the questions was delegated by someone else just now", field="question_keys"
            ) from exc
        return self._summary(d)

    @rpc
    def list_delegations(
        self,
        municipality_id: int,
        year: int,
        actor: dict,
        unit_id: int | None = None,
        state: str | None = None,
    ) -> list[dict]:
        actor = load(ManagerSchema(), actor)
        rows = records.listed(self.db, municipality_id, year, state)
        allowed = review.allowed_units(self.survey, municipality_id, actor)
        if allowed is not None:
            rows = [d for d in rows if d.unit_id in allowed]
        if unit_id is not None:
            rows = [d for d in rows if d.unit_id == unit_id]
        mails = mailing.mails_of(self.db, self.mail, [d.id for d in rows])
        today, grace = localtime.local_today(), settings.grace_days()
        return [views.summary(d, mails[d.id], today, grace) for d in rows]

    @rpc
    def get_delegation(self, municipality_id: int, delegation_id: int, actor: dict) -> dict:
        actor = load(ManagerSchema(), actor)
        d = self._managed(municipality_id, delegation_id, actor)
        mails = mailing.mails_of(self.db, self.mail, [d.id])[d.id]
        detail = views.summary(d, mails, localtime.local_today(), settings.grace_days())
        detail["transitions"] = [
            views.transition_dict(t) for t in records.transitions(self.db, d.id)
        ]
        detail["mails"] = mails
        return detail

    @rpc
    def overview(self, municipality_id: int, year: int, actor: dict) -> dict:
        """Per target (municipality or unit) and area: delegated questions, to whom, state."""
        return views.overview(year, self.list_delegations(municipality_id, year, actor))

    @rpc
    def revoke_delegation(
        self, municipality_id: int, delegation_id: int, actor: dict, comment: str | None = None
    ) -> dict:
        actor = load(ManagerSchema(), actor)
        d = self._managed(municipality_id, delegation_id, actor, lock=True)
        rows = records.move(self.db, d, "revoke", actor, (comment or "").strip() or None)
        self._commit_and_publish(rows)
        mailing.cancel_links(self.mail, d.id)
        return self.get_delegation(municipality_id, delegation_id, actor)

    @rpc
    def redelegate(self, municipality_id: int, delegation_id: int, data: dict, actor: dict) -> dict:
        """Hand the same questions to someone else: the old link stops, a new one is sent."""
        actor = load(ManagerSchema(), actor)
        fields = load(RedelegateSchema(), data)
        old = self._managed(municipality_id, delegation_id, actor, lock=True)
        d, rows = review.redelegate(self.db, self.survey, old, fields, actor)
        self._commit_and_publish(rows)
        mailing.cancel_links(self.mail, old.id)
        return self._summary(d)

    @rpc
    def extend_delegation(
        self, municipality_id: int, delegation_id: int, due_date: str, actor: dict
    ) -> dict:
        actor = load(ManagerSchema(), actor)
        new_due = load(RedelegateSchema(only=("due_date",)), {"due_date": due_date})["due_date"]
        if new_due is None:
            raise ValidationFailed("choose a new due date", field="due_date")
        review.check_due_date(new_due)
        d = self._managed(municipality_id, delegation_id, actor, lock=True)
        review.extend(self.db, d, new_due, actor)
        self._commit_and_publish([])
        return self.get_delegation(municipality_id, delegation_id, actor)

    @rpc
    def approve_delegation(
        self, municipality_id: int, delegation_id: int, actor: dict, comment: str | None = None
    ) -> dict:
        actor = load(ManagerSchema(), actor)
        d = self._managed(municipality_id, delegation_id, actor, lock=True)
        rows = records.move(self.db, d, "approve", actor, (comment or "").strip() or None)
        self._commit_and_publish(rows)
        return self.get_delegation(municipality_id, delegation_id, actor)

    @rpc
    def send_back_delegation(
        self, municipality_id: int, delegation_id: int, comment: str, actor: dict
    ) -> dict:
        actor = load(ManagerSchema(), actor)
        text = load(CommentSchema(), {"comment": comment})["comment"].strip()
        if not text:
            raise ValidationFailed("write what the delegate should change", field="comment")
        d = self._managed(municipality_id, delegation_id, actor, lock=True)
        rows = review.send_back(self.db, d, text, actor)
        self._commit_and_publish(rows)
        return self.get_delegation(municipality_id, delegation_id, actor)

    # -- digest -----------------------------------------------------------------------------

    @rpc
    def get_digest(self, municipality_id: int, actor: dict) -> dict:
        actor = load(ManagerSchema(), actor)
        row = reminders.subscription(self.db, municipality_id, actor)
        return {"enabled": bool(row and row.enabled)}

    @rpc
    def set_digest(self, municipality_id: int, actor: dict, enabled: bool) -> dict:
        actor = load(ManagerSchema(), actor)
        return {"enabled": reminders.set_digest(self.db, municipality_id, actor, enabled)}

    # -- timers: reminders, digests, the sweep of old wrong links -----------------------------

    @timer(interval=settings.REMINDER_SECONDS, eager=True)
    def send_reminders(self) -> int:
        """Queue the reminders that are due today (at most one a day per delegation)."""
        queued = reminders.queue_reminders(self.db, self._commit_and_publish)
        links.forget_old_failures(self.db)
        self.db.commit()
        self.send_digests()
        return queued

    def send_digests(self) -> int:
        """The daily overview for those who turned it on; nothing is sent about nothing."""
        return reminders.send_digests(self.db, self.survey, self.mail, self._commit_and_publish)

    # -- the delegate's link ----------------------------------------------------------------

    @rpc
    def open_link(self, token: str, client: str | None = None) -> dict:
        """What the delegate's page shows: only the delegated questions and their answers."""
        return links.page(self.survey, links.resolve(self.db, token, client))

    @rpc
    def delegate_save(self, token: str, answers: list, client: str | None = None) -> dict:
        d = links.resolve(self.db, token, client)
        saved = links.save(self.db, self.survey, d, answers)
        self._commit_and_publish([])
        return {"saved": saved, **links.page(self.survey, d)}

    @rpc
    def delegate_submit(self, token: str, answers: list, client: str | None = None) -> dict:
        """Save what was sent, then hand the answers to the delegator for review."""
        d = links.resolve(self.db, token, client)
        saved = links.save(self.db, self.survey, d, answers)
        rows = links.submit(self.db, d)
        self._commit_and_publish(rows)
        return {"saved": saved, **links.page(self.survey, d)}
