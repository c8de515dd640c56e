"""The delegation service: questions handed to people by e-mailed links, reviewed, reminded.

Thin on purpose: the rules live in ``states`` (the state machine), ``scope`` (which questions,
who may delegate), ``tokens`` (links), ``scheduling`` (reminders) and ``digest`` (the daily
overview); this class validates, calls them, commits, and publishes events through the outbox in
its own database. An e-mail is written as a request into ``mail_requests`` in the transaction of
the change that needs it and handed to the mail service (``mail.queue_mail``, idempotent by key)
after the commit, or by the relay timer while mail is away. A delegate's answers go to survey
over RPC only after the scope check here, with the delegate as the actor.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from pathlib import Path

import eventlet
from nameko.events import EventDispatcher
from nameko.rpc import RpcProxy
from nameko.timer import timer
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.common import config, localtime, outbox
from services.common.db import Database
from services.common.errors import Conflict, Forbidden, NotFound, TooManyAttempts, ValidationFailed
from services.common.localtime import LOCAL_TIME
from services.common.metrics import DELEGATE_LINKS_REFUSED, DELEGATIONS_OPEN, Metrics
from services.common.outbox import utcnow
from services.common.questionnaire import questions_by_key
from services.common.rpc import rpc
from services.common.validation import load
from services.delegation import digest, scheduling, scope, states, tokens
from services.delegation.errors import MailUnavailable
from services.delegation.models import (
    DelegatedQuestion,
    Delegation,
    DelegationToken,
    DigestSubscription,
    LinkFailure,
    MailRequest,
    Outbox,
    Transition,
)
from services.delegation.schemas import (
    CommentSchema,
    CreateSchema,
    ManagerSchema,
    RedelegateSchema,
)

MIGRATIONS = Path(__file__).parent / "migrations"
# A call to mail that a user's request waits for: short, so that a mail service that is away
# slows a page by at most this (the gateway's own timeout is longer), never fails it.
MAIL_CALL_SECONDS = 2.0
MAIL_BATCH = 50
REMINDER_SECONDS = float(config.env("DELEGATION_REMINDER_SECONDS", "300"))
DELEGATE_LINK_PATH = "/delegering/"
log = logging.getLogger(__name__)


def _iso(moment: datetime | date | None) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return moment.isoformat() + "Z"
    return moment.isoformat()


def grace_days() -> int:
    return int(config.env("DELEGATION_GRACE_DAYS", "14"))


def public_base_url() -> str:
    return config.env("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")


def reminder_schedule() -> scheduling.ReminderSchedule:
    return scheduling.ReminderSchedule.parse(
        config.env("DELEGATION_REMIND_BEFORE_DAYS", "3,1"),
        config.env("DELEGATION_REMIND_OVERDUE_DAYS", "1,3,7"),
        str(grace_days()),
    )


def scope_names(delegation: Delegation) -> tuple[str, str]:
    if delegation.unit_id is None:
        return "kommunen samlet", "the municipality as a whole"
    name = delegation.unit_name or f"enhed {delegation.unit_id}"
    return name, delegation.unit_name or f"unit {delegation.unit_id}"


def overview_url(year: int) -> str:
    return f"{public_base_url()}/runder/{year}/delegeringer"


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
        "created_at": _iso(request.created_at),
        "sent_at": None,
    }


def delegate_actor(delegation: Delegation) -> dict:
    """How survey's answer history names a delegate: the person, with their address."""
    label = f"{delegation.delegate_name} ({delegation.delegate_email})"
    return {"user_id": None, "name": label[:120], "role": "delegate"}


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

    # -- lookups ----------------------------------------------------------------------------

    def _delegation(
        self, municipality_id: int, delegation_id: int, lock: bool = False
    ) -> Delegation:
        """Locked for a change, so that two reviewers (or a reviewer and the delegate) cannot
        both move the same delegation from the same state."""
        found = self.db.get(Delegation, delegation_id, with_for_update=lock)
        if found is None or found.municipality_id != municipality_id:
            raise NotFound(f"no delegation {delegation_id}", field="delegation_id")
        return found

    def _allowed_units(self, municipality_id: int, actor: dict) -> set[int] | None:
        """None for a coordinator (everything); a unit lead's own units otherwise."""
        if actor["role"] == "coordinator":
            return None
        return scope.manageable_unit_ids(actor, self.survey.list_units(municipality_id))

    def _managed(
        self, municipality_id: int, delegation_id: int, actor: dict, lock: bool = False
    ) -> Delegation:
        """A delegation the actor manages; outside a unit lead's units it does not exist."""
        delegation = self._delegation(municipality_id, delegation_id, lock)
        allowed = self._allowed_units(municipality_id, actor)
        if allowed is not None and delegation.unit_id not in allowed:
            raise NotFound(f"no delegation {delegation_id}", field="delegation_id")
        return delegation

    def _mails(self, delegation_ids: list[int]) -> dict[int, list[dict]]:
        """Each delegation's mails as the mail service knows them, then those still waiting here
        to be handed over (pending too). While mail is away only the waiting ones are shown:
        the page shows no mail problem rather than failing."""
        found: dict[int, list[dict]] = {i: [] for i in delegation_ids}
        if not delegation_ids:
            return found
        references = {mail_reference(i): i for i in delegation_ids}
        try:
            by_reference = self._ask_mail("list_mails", list(references), seconds=MAIL_CALL_SECONDS)
        except MailUnavailable:
            log.warning("delegation: mail states unknown, the mail service did not answer")
            by_reference = {}
        for reference, delegation_id in references.items():
            found[delegation_id] = list(by_reference.get(reference, []))
        waiting = self.db.scalars(
            select(MailRequest)
            .where(MailRequest.reference.in_(list(references)))
            .order_by(MailRequest.id)
        )
        for request in waiting:
            found[references[request.reference]].append(waiting_mail(request))
        return found

    def _summary(self, d: Delegation, mails: list[dict], today: date) -> dict:
        to_delegate = [
            m for m in mails if m["to_addr"] == d.delegate_email and m["kind"] != "submitted"
        ]
        failed = [m for m in to_delegate if m["state"] == "failed"]
        return {
            "id": d.id,
            "year": d.year,
            "unit_id": d.unit_id,
            "unit_name": d.unit_name,
            "kind": d.kind,
            "area_key": d.area_key,
            "question_keys": list(d.question_keys),
            "delegate_name": d.delegate_name,
            "delegate_email": d.delegate_email,
            "message": d.message,
            "due_date": _iso(d.due_date),
            "expires_at": _iso(tokens.expires_at(d.due_date, grace_days())),
            "link_valid_through": _iso(d.due_date + timedelta(days=grace_days())),
            "state": d.state,
            "active": states.is_active(d.state),
            "overdue": states.is_overdue(d.state, d.due_date, today),
            "review_comment": d.review_comment,
            "delegator_name": d.delegator_name,
            "replaces_id": d.replaces_id,
            "revision": d.revision,
            "created_at": _iso(d.created_at),
            "updated_at": _iso(d.updated_at),
            "mail_failed": bool(failed),
            "mail_error": failed[-1]["last_error"] if failed else None,
            "mail_pending": sum(m["state"] == "pending" for m in to_delegate),
        }

    # -- changes ----------------------------------------------------------------------------

    def _record(
        self,
        d: Delegation,
        action: str,
        from_state: str | None,
        actor: dict,
        comment: str | None = None,
    ) -> None:
        now = utcnow()
        d.updated_at = now
        self.db.add(
            Transition(
                delegation_id=d.id,
                action=action,
                from_state=from_state,
                to_state=d.state,
                actor_id=actor.get("user_id"),
                actor_name=actor["name"][:120],
                actor_role=actor["role"],
                comment=comment,
                at=now,
            )
        )

    def _move(self, d: Delegation, action: str, actor: dict, comment: str | None = None) -> list:
        """Apply a transition of the state machine; returns the outbox rows to publish."""
        try:
            target = states.next_state(d.state, action, actor["role"])
        except states.TransitionRefused as exc:
            raise Conflict(str(exc), field="state") from exc
        before = d.state
        d.state = target
        d.revision += 1
        self._record(d, action, before, actor, comment)
        if not states.is_active(target):
            self.db.execute(
                update(DelegatedQuestion)
                .where(DelegatedQuestion.delegation_id == d.id)
                .values(claim=None)
            )
        event = states.EVENT_OF_STATE.get(target) if target != before else None
        return [self._event(d, event, actor["role"])] if event else []

    def _event(self, d: Delegation, event_type: str, actor_role: str) -> object:
        payload = {
            "delegation_id": d.id,
            "year": d.year,
            "unit_id": d.unit_id,
            "question_keys": list(d.question_keys),
            "state": d.state,
            "revision": d.revision,
            "actor_role": actor_role,
        }
        return outbox.add_event(self.db, Outbox, event_type, payload, d.municipality_id)

    def _commit_and_publish(self, rows: list) -> None:
        """Commit, then publish this worker's events and hand over its mails; the relay timer
        catches any failure."""
        self.db.commit()
        if rows:
            outbox.publish(self.db, Outbox, self.dispatch, self.name, rows=rows)
        self._hand_over_mail(self._new_requests, MAIL_CALL_SECONDS)

    @timer(interval=2)
    def relay_outbox(self) -> None:
        outbox.publish(self.db, Outbox, self.dispatch, self.name, older_than=timedelta(seconds=2))
        waiting = self.db.scalars(
            select(MailRequest)
            .where(MailRequest.created_at <= utcnow() - timedelta(seconds=2))
            .order_by(MailRequest.id)
            .limit(MAIL_BATCH)
        ).all()
        self._hand_over_mail(list(waiting), config.rpc_timeout())
        DELEGATIONS_OPEN.set(
            self.db.scalar(
                select(func.count())
                .select_from(Delegation)
                .where(Delegation.state.in_(sorted(states.ACTIVE)))
            )
            or 0
        )

    # -- e-mail ---------------------------------------------------------------------------

    def _ask_mail(self, method: str, *args: object, seconds: float | None = None) -> object:
        """An RPC to the mail service, bounded: nameko's own calls wait for ever."""
        try:
            with eventlet.Timeout(seconds or config.rpc_timeout()):
                return getattr(self.mail, method)(*args)
        except (Exception, eventlet.Timeout) as exc:  # noqa: BLE001 - any failure: not now
            if isinstance(exc, ValidationFailed):
                raise
            raise MailUnavailable("the mail service did not answer") from exc

    @property
    def _new_requests(self) -> list[MailRequest]:
        """The mail requests this worker wrote (kept on the session until handed over)."""
        return self.db.info.setdefault("mail_requests", [])

    def _hand_over_mail(self, requests: list[MailRequest], seconds: float) -> None:
        """Give committed requests to the mail service; one that is handed over is deleted, so
        the clear link token leaves this database. Stops at the first failure (mail is away)."""
        while requests:
            request = requests.pop(0)
            try:
                self._ask_mail(
                    "queue_mail", request.idempotency_key, request.message, seconds=seconds
                )
            except MailUnavailable:
                requests.clear()
                log.info("delegation: mail %s waits for the mail service", request.idempotency_key)
                return
            except ValidationFailed as exc:
                log.error(
                    "delegation: the mail service refused %s: %s", request.idempotency_key, exc
                )
            self.db.execute(MailRequest.__table__.delete().where(MailRequest.id == request.id))
            self.db.commit()

    def _queue_mail(
        self,
        d: Delegation,
        kind: str,
        key: str,
        context: dict,
        to_delegate: bool = True,
    ) -> None:
        """Request a delegation's mail in the caller's transaction; a delegate's gets a fresh link.

        The mail service renders it; it is handed over after the commit (``_hand_over_mail``).
        """
        da_name, en_name = scope_names(d)
        link = None
        if to_delegate:
            secret = tokens.new_token()
            self.db.add(DelegationToken(delegation_id=d.id, token_hash=tokens.token_hash(secret)))
            link = {"token": secret, "path": DELEGATE_LINK_PATH}
        full = {
            "municipality_name": d.municipality_name,
            "delegate_name": d.delegate_name,
            "delegator_name": d.delegator_name,
            "scope_name_da": da_name,
            "scope_name_en": en_name,
            "year": d.year,
            "due_date": d.due_date.isoformat(),
            "expires_on": (d.due_date + timedelta(days=grace_days())).isoformat(),
            "message": d.message,
            "question_count": len(d.question_keys),
            **context,
        }
        message = {
            "kind": kind,
            "municipality_id": d.municipality_id,
            "reference": mail_reference(d.id),
            "to_name": d.delegate_name if to_delegate else d.delegator_name,
            "to_addr": d.delegate_email if to_delegate else d.delegator_email,
            "context": full,
            "link": link,
        }
        self._request_mail(key, message)

    def _request_mail(self, key: str, message: dict) -> None:
        """A ``queue_mail`` call written down in the caller's transaction."""
        request = MailRequest(
            idempotency_key=key, reference=message.get("reference"), message=message
        )
        self.db.add(request)
        self._new_requests.append(request)

    # -- coordinator: create and manage -----------------------------------------------------

    @rpc
    def create_delegation(self, municipality_id: int, year: int, data: dict, actor: dict) -> dict:
        actor = load(ManagerSchema(), actor)
        fields = load(CreateSchema(), data)
        self._check_due_date(fields["due_date"])
        round_ = self.survey.get_round(year)
        if round_.get("state") != "open":
            raise Conflict(f"the {year} round is not open", field="year")
        units = self.survey.list_units(municipality_id)
        unit = None
        if fields["unit_id"] is not None:
            unit = next((u for u in units if u["id"] == fields["unit_id"]), None)
            if unit is None:
                raise NotFound(f"no unit {fields['unit_id']}", field="unit_id")
        questionnaire = self.survey.get_questionnaire(year)
        try:
            scope.check_may_manage(actor, fields["unit_id"], units)
            keys = scope.resolve_questions(
                questionnaire,
                fields["unit_id"],
                fields["kind"],
                fields["question_keys"],
                fields["area_key"],
            )
        except scope.ScopeForbidden as exc:
            raise Forbidden(str(exc), field="unit_id") from exc
        except scope.ScopeInvalid as exc:
            raise ValidationFailed(exc.problem, field=exc.field) from exc
        municipality = self.survey.get_municipality(municipality_id)
        known = questions_by_key(questionnaire)
        try:
            d = self._new_delegation(
                municipality_id,
                year,
                fields,
                keys,
                actor,
                unit_name=unit["name"] if unit else None,
                municipality_name=municipality["name"],
            )
            rows = [self._event(d, "delegation_created", actor["role"])]
            self._queue_mail(
                d,
                "invitation",
                f"invitation:{d.id}",
                {"questions": [{"text": known[k]["text"]} for k in keys]},
            )
            self._commit_and_publish(rows)
        except IntegrityError as exc:
            self.db.rollback()
            raise Conflict(
                "one of the questions was delegated by someone else just now", field="question_keys"
            ) from exc
        return self._summary(d, self._mails([d.id])[d.id], localtime.local_today())

    def _check_due_date(self, due: date) -> None:
        today = localtime.local_today()
        if due < today:
            raise ValidationFailed("the due date has passed", field="due_date")
        if due > today + timedelta(days=366):
            raise ValidationFailed("the due date is more than a year away", field="due_date")

    def _new_delegation(
        self,
        municipality_id: int,
        year: int,
        fields: dict,
        keys: list[str],
        actor: dict,
        unit_name: str | None,
        municipality_name: str,
        replaces_id: int | None = None,
    ) -> Delegation:
        """Insert the delegation and claim its questions; a clash names the question."""
        unit_key = fields["unit_id"] or 0
        claims = {k: f"{municipality_id}:{year}:{unit_key}:{k}" for k in keys}
        taken = self.db.execute(
            select(DelegatedQuestion.question_key, Delegation.delegate_name)
            .join(Delegation, Delegation.id == DelegatedQuestion.delegation_id)
            .where(DelegatedQuestion.claim.in_(list(claims.values())))
        ).first()
        if taken is not None:
            index = keys.index(taken[0]) if taken[0] in keys else 0
            raise Conflict(
                f"{taken[0]} is already delegated to {taken[1]}; revoke or re-delegate that first",
                field=f"question_keys[{index}]",
            )
        now = utcnow()
        d = Delegation(
            municipality_id=municipality_id,
            year=year,
            unit_id=fields["unit_id"],
            unit_name=unit_name,
            municipality_name=municipality_name,
            kind=fields["kind"],
            area_key=fields.get("area_key") if fields["kind"] == "area" else None,
            question_keys=keys,
            delegate_name=fields["delegate_name"].strip(),
            delegate_email=fields["delegate_email"].strip(),
            message=(fields.get("message") or "").strip() or None,
            due_date=fields["due_date"],
            state="assigned",
            revision=1,
            delegator_id=actor.get("user_id"),
            delegator_name=actor["name"],
            delegator_email=actor.get("email"),
            delegator_role=actor["role"],
            replaces_id=replaces_id,
            last_mailed_on=localtime.local_today(),
            created_at=now,
            updated_at=now,
        )
        self.db.add(d)
        self.db.flush()
        for key, claim in claims.items():
            self.db.add(DelegatedQuestion(delegation_id=d.id, question_key=key, claim=claim))
        self._record(d, "create", None, actor, d.message)
        self.db.flush()
        return d

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
        query = (
            select(Delegation)
            .where(Delegation.municipality_id == municipality_id, Delegation.year == year)
            .order_by(Delegation.id.desc())
        )
        if state:
            query = query.where(Delegation.state == state)
        rows = list(self.db.scalars(query))
        allowed = self._allowed_units(municipality_id, actor)
        if allowed is not None:
            rows = [d for d in rows if d.unit_id in allowed]
        if unit_id is not None:
            rows = [d for d in rows if d.unit_id == unit_id]
        mails = self._mails([d.id for d in rows])
        today = localtime.local_today()
        return [self._summary(d, mails[d.id], today) for d in rows]

    @rpc
    def get_delegation(self, municipality_id: int, delegation_id: int, actor: dict) -> dict:
        actor = load(ManagerSchema(), actor)
        d = self._managed(municipality_id, delegation_id, actor)
        mails = self._mails([d.id])[d.id]
        detail = self._summary(d, mails, localtime.local_today())
        transitions = self.db.scalars(
            select(Transition).where(Transition.delegation_id == d.id).order_by(Transition.id)
        )
        detail["transitions"] = [
            {
                "action": t.action,
                "from_state": t.from_state,
                "to_state": t.to_state,
                "actor_name": t.actor_name,
                "actor_role": t.actor_role,
                "comment": t.comment,
                "at": _iso(t.at),
            }
            for t in transitions
        ]
        detail["mails"] = mails
        return detail

    @rpc
    def overview(self, municipality_id: int, year: int, actor: dict) -> dict:
        """Per target (municipality or unit) and area: delegated questions, to whom, state."""
        delegations = self.list_delegations(municipality_id, year, actor)
        active = [d for d in delegations if d["active"]]
        counts = {s: sum(d["state"] == s for d in delegations) for s in states.STATES}
        by_target: dict[str, dict] = {}
        for d in active:
            target = by_target.setdefault(
                str(d["unit_id"] or 0),
                {"unit_id": d["unit_id"], "unit_name": d["unit_name"], "areas": {}},
            )
            for key in d["question_keys"]:
                area = target["areas"].setdefault(key.split(".", 1)[0], [])
                area.append(
                    {
                        "question_key": key,
                        "delegation_id": d["id"],
                        "delegate_name": d["delegate_name"],
                        "state": d["state"],
                        "overdue": d["overdue"],
                        "due_date": d["due_date"],
                        "mail_failed": d["mail_failed"],
                    }
                )
        return {
            "year": year,
            "counts": counts,
            "open": len(active),
            "overdue": sum(d["overdue"] for d in active),
            "awaiting_review": counts["submitted"],
            "mail_failed": sum(d["mail_failed"] for d in active),
            "targets": list(by_target.values()),
        }

    @rpc
    def revoke_delegation(
        self, municipality_id: int, delegation_id: int, actor: dict, comment: str | None = None
    ) -> dict:
        actor = load(ManagerSchema(), actor)
        d = self._managed(municipality_id, delegation_id, actor, lock=True)
        rows = self._move(d, "revoke", actor, (comment or "").strip() or None)
        self._commit_and_publish(rows)
        self._cancel_pending_links(d)
        return self.get_delegation(municipality_id, delegation_id, actor)

    def _cancel_pending_links(self, d: Delegation) -> None:
        """A closed delegation's unsent mails carry links that no longer work: drop them.

        After the commit and best effort: the link is refused anyway once the delegation is
        closed, so a mail service that is away costs at most a mail with a dead link."""
        try:
            self._ask_mail("cancel_links", mail_reference(d.id), seconds=MAIL_CALL_SECONDS)
        except MailUnavailable:
            log.warning("delegation: unsent links of delegation %s not cancelled", d.id)

    @rpc
    def redelegate(self, municipality_id: int, delegation_id: int, data: dict, actor: dict) -> dict:
        """Hand the same questions to someone else: the old link stops, a new one is sent."""
        actor = load(ManagerSchema(), actor)
        fields = load(RedelegateSchema(), data)
        old = self._managed(municipality_id, delegation_id, actor, lock=True)
        fields["due_date"] = fields["due_date"] or old.due_date
        self._check_due_date(fields["due_date"])
        comment = f"re-delegated to {fields['delegate_name']}"
        rows = self._move(old, "redelegate", actor, comment)
        self.db.flush()
        questionnaire = self.survey.get_questionnaire(old.year)
        new_fields = {
            **fields,
            "unit_id": old.unit_id,
            "kind": old.kind,
            "area_key": old.area_key,
            "message": fields["message"] if fields["message"] is not None else old.message,
        }
        d = self._new_delegation(
            municipality_id,
            old.year,
            new_fields,
            list(old.question_keys),
            actor,
            unit_name=old.unit_name,
            municipality_name=old.municipality_name,
            replaces_id=old.id,
        )
        rows.append(self._event(d, "delegation_created", actor["role"]))
        known = questions_by_key(questionnaire)
        self._queue_mail(
            d,
            "invitation",
            f"invitation:{d.id}",
            {"questions": [{"text": known[k]["text"]} for k in d.question_keys if k in known]},
        )
        self._commit_and_publish(rows)
        self._cancel_pending_links(old)
        return self._summary(d, self._mails([d.id])[d.id], localtime.local_today())

    @rpc
    def extend_delegation(
        self, municipality_id: int, delegation_id: int, due_date: str, actor: dict
    ) -> dict:
        actor = load(ManagerSchema(), actor)
        new_due = load(RedelegateSchema(only=("due_date",)), {"due_date": due_date})["due_date"]
        if new_due is None:
            raise ValidationFailed("choose a new due date", field="due_date")
        self._check_due_date(new_due)
        d = self._managed(municipality_id, delegation_id, actor, lock=True)
        try:
            states.next_state(d.state, "extend", actor["role"])
        except states.TransitionRefused as exc:
            raise Conflict(str(exc), field="state") from exc
        old_due = d.due_date
        d.due_date = new_due
        d.revision += 1
        self._record(d, "extend", d.state, actor, f"{old_due.isoformat()} → {new_due.isoformat()}")
        self._commit_and_publish([])
        return self.get_delegation(municipality_id, delegation_id, actor)

    @rpc
    def approve_delegation(
        self, municipality_id: int, delegation_id: int, actor: dict, comment: str | None = None
    ) -> dict:
        actor = load(ManagerSchema(), actor)
        d = self._managed(municipality_id, delegation_id, actor, lock=True)
        rows = self._move(d, "approve", actor, (comment or "").strip() or None)
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
        rows = self._move(d, "send_back", actor, text)
        d.review_comment = text
        d.last_mailed_on = localtime.local_today()
        self._queue_mail(
            d,
            "sent_back",
            f"sent_back:{d.id}:{d.revision}",
            {"comment": text, "reviewer_name": actor["name"]},
        )
        self._commit_and_publish(rows)
        return self.get_delegation(municipality_id, delegation_id, actor)

    # -- digest -----------------------------------------------------------------------------

    @rpc
    def get_digest(self, municipality_id: int, actor: dict) -> dict:
        actor = load(ManagerSchema(), actor)
        row = self._subscription(municipality_id, actor)
        return {"enabled": bool(row and row.enabled)}

    @rpc
    def set_digest(self, municipality_id: int, actor: dict, enabled: bool) -> dict:
        actor = load(ManagerSchema(), actor)
        if enabled and not actor.get("email"):
            raise ValidationFailed("the digest needs your e-mail address", field="email")
        row = self._subscription(municipality_id, actor)
        if row is None:
            row = DigestSubscription(
                municipality_id=municipality_id, user_id=actor["user_id"], enabled=False
            )
            self.db.add(row)
        row.enabled = bool(enabled)
        row.name, row.role, row.unit_id = actor["name"], actor["role"], actor.get("unit_id")
        row.email = actor.get("email") or row.email or ""
        self.db.commit()
        return {"enabled": row.enabled}

    def _subscription(self, municipality_id: int, actor: dict) -> DigestSubscription | None:
        if actor.get("user_id") is None:
            raise ValidationFailed("only a user with an account has a digest", field="user_id")
        return self.db.scalar(
            select(DigestSubscription).where(
                DigestSubscription.municipality_id == municipality_id,
                DigestSubscription.user_id == actor["user_id"],
            )
        )

    # -- timers: reminders and digests ------------------------------------------------------

    @timer(interval=REMINDER_SECONDS, eager=True)
    def send_reminders(self) -> int:
        """Queue the reminders that are due today (at most one a day per delegation)."""
        today = localtime.local_today()
        schedule = reminder_schedule()
        queued = 0
        editable = sorted(states.EDITABLE)
        for d in self.db.scalars(select(Delegation).where(Delegation.state.in_(editable))).all():
            if tokens.is_expired(d.due_date, schedule.grace_days, utcnow()):
                continue
            point = scheduling.reminder_due(d.state, d.due_date, d.last_mailed_on, today, schedule)
            if point is None:
                continue
            kind = point[1]
            d.last_mailed_on = today
            # One key per delegation and day: the mail service refuses a second reminder.
            self._queue_mail(
                d,
                "reminder",
                f"reminder:{d.id}:{today.isoformat()}",
                {"overdue": kind == "overdue"},
            )
            self._commit_and_publish([])
            queued += 1
        self.db.execute(
            LinkFailure.__table__.delete().where(LinkFailure.at < utcnow() - self._link_window())
        )
        self.db.commit()
        self.send_digests()
        return queued

    def send_digests(self) -> int:
        """The daily overview for those who turned it on; nothing is sent about nothing."""
        now_local = datetime.now(LOCAL_TIME)
        hour = int(config.env("DELEGATION_DIGEST_HOUR", "7"))
        sent = 0
        for sub in self.db.scalars(
            select(DigestSubscription).where(DigestSubscription.enabled.is_(True))
        ).all():
            if not sub.email or not digest.digest_due(now_local, hour, sub.last_sent_on):
                continue
            sub.last_sent_on = now_local.date()
            delegations, rows = self._digest_rows(sub)
            if rows:
                self._request_mail(
                    digest.digest_key(sub.id, now_local.date()),
                    digest.digest_message(
                        municipality_id=sub.municipality_id,
                        municipality_name=delegations[0].municipality_name,
                        recipient_name=sub.name,
                        recipient_email=sub.email,
                        rows=rows,
                        today=now_local.date(),
                        overview_url=overview_url(delegations[0].year),
                    ),
                )
                sent += 1
            self._commit_and_publish([])
        return sent

    def _digest_rows(self, sub: DigestSubscription) -> tuple[list[Delegation], list[dict]]:
        """The active delegations the subscriber manages, and their lines in the digest."""
        actor = {"role": sub.role, "unit_id": sub.unit_id}
        delegations = list(
            self.db.scalars(
                select(Delegation)
                .where(
                    Delegation.municipality_id == sub.municipality_id,
                    Delegation.state.in_(sorted(states.ACTIVE)),
                )
                .order_by(Delegation.due_date)
            )
        )
        if sub.role != "coordinator":
            try:
                units = self.survey.list_units(sub.municipality_id)
            except Exception:  # noqa: BLE001 - survey down: tomorrow's digest covers it
                return [], []
            allowed = scope.manageable_unit_ids(actor, units) or set()
            delegations = [d for d in delegations if d.unit_id in allowed]
        mails = self._mails([d.id for d in delegations])
        today = localtime.local_today()
        rows = [
            digest.digest_row(self._summary(d, mails[d.id], today), *scope_names(d))
            for d in delegations
        ]
        return delegations, rows

    # -- the delegate's link ----------------------------------------------------------------

    @staticmethod
    def _link_window() -> timedelta:
        return timedelta(minutes=float(config.env("DELEGATION_LINK_WINDOW_MINUTES", "15")))

    def _resolve(self, token: str, client: str | None) -> Delegation:
        """The delegation behind a link, or NotFound that says nothing about why.

        A link that works always opens, however many wrong ones its client sent: colleagues
        behind one public address (a municipality's NAT) must not be able to lock each other's
        delegates out, and a 256-bit token cannot be guessed anyway. Only wrong links are
        counted, and once a client has sent ``DELEGATION_LINK_MAX_FAILURES`` of them within the
        window its further wrong links are refused with TooManyAttempts (not counted, so the
        block ends by itself)."""
        d = None
        if tokens.looks_like_token(token):
            d = self.db.scalar(
                select(Delegation)
                .join(DelegationToken, DelegationToken.delegation_id == Delegation.id)
                .where(DelegationToken.token_hash == tokens.token_hash(token))
            )
        reason = None
        if d is None:
            reason = "unknown"
        elif d.state == "revoked":
            reason = "revoked"
        elif tokens.is_expired(d.due_date, grace_days(), utcnow()):
            reason = "expired"
        if reason is None:
            return d
        self.db.rollback()
        key = tokens.client_key(client)
        failures = self.db.scalar(
            select(func.count())
            .select_from(LinkFailure)
            .where(LinkFailure.client_key == key, LinkFailure.at >= utcnow() - self._link_window())
        )
        if failures >= int(config.env("DELEGATION_LINK_MAX_FAILURES", "20")):
            DELEGATE_LINKS_REFUSED.labels(reason="rate_limited").inc()
            raise TooManyAttempts("too many links that did not work; wait a while")
        self.db.add(LinkFailure(client_key=key, at=utcnow()))
        self.db.commit()
        DELEGATE_LINKS_REFUSED.labels(reason=reason).inc()
        raise NotFound("this link does not work", field="token")

    def _delegate_view(self, d: Delegation) -> dict:
        questionnaire = self.survey.get_questionnaire(d.year)
        known = questions_by_key(questionnaire)
        wanted = set(d.question_keys)
        answers = [
            a
            for a in self.survey.get_answers(d.municipality_id, d.year, unit_id=d.unit_id)
            if a["question_key"] in wanted and a["unit_id"] == d.unit_id
        ]
        areas = [
            {
                "key": area["key"],
                "title": area["title"],
                "questions": [known[q["key"]] for q in area["questions"] if q["key"] in wanted],
            }
            for area in questionnaire["areas"]
        ]
        round_ = self.survey.get_round(d.year)
        da_name, en_name = scope_names(d)
        return {
            "delegation": {
                "municipality_id": d.municipality_id,
                "year": d.year,
                "unit_id": d.unit_id,
                "scope_name": {"da": da_name, "en": en_name},
                "municipality_name": d.municipality_name,
                "delegate_name": d.delegate_name,
                "delegator_name": d.delegator_name,
                "message": d.message,
                "due_date": _iso(d.due_date),
                "expires_at": _iso(tokens.expires_at(d.due_date, grace_days())),
                "link_valid_through": _iso(d.due_date + timedelta(days=grace_days())),
                "state": d.state,
                "overdue": states.is_overdue(d.state, d.due_date, localtime.local_today()),
                "editable": d.state in states.EDITABLE and round_.get("state") == "open",
                "review_comment": d.review_comment,
                "question_keys": list(d.question_keys),
            },
            "areas": [a for a in areas if a["questions"]],
            "answers": answers,
        }

    @rpc
    def open_link(self, token: str, client: str | None = None) -> dict:
        """What the delegate's page shows: only the delegated questions and their answers."""
        return self._delegate_view(self._resolve(token, client))

    @rpc
    def delegate_save(self, token: str, answers: list, client: str | None = None) -> dict:
        d = self._resolve(token, client)
        saved = self._save_for_delegate(d, answers)
        self._commit_and_publish([])
        return {"saved": saved, **self._delegate_view(d)}

    @rpc
    def delegate_submit(self, token: str, answers: list, client: str | None = None) -> dict:
        """Save what was sent, then hand the answers to the delegator for review."""
        d = self._resolve(token, client)
        saved = self._save_for_delegate(d, answers)
        self.db.refresh(d, with_for_update=True)
        actor = delegate_actor(d)
        actor["name"] = d.delegate_name
        rows = self._move(d, "submit", actor)
        d.review_comment = None
        if d.delegator_email:
            self._queue_mail(
                d,
                "submitted",
                f"submitted:{d.id}:{d.revision}",
                {"review_url": f"{public_base_url()}/runder/{d.year}/delegeringer/{d.id}"},
                to_delegate=False,
            )
        self._commit_and_publish(rows)
        return {"saved": saved, **self._delegate_view(d)}

    def _save_for_delegate(self, d: Delegation, answers: list) -> int:
        """Scope check here, then survey stores the answers with the delegate as the actor."""
        if d.state not in states.EDITABLE:
            raise Conflict(f"the answers are {d.state} and can no longer be changed", "state")
        if not isinstance(answers, list):
            raise ValidationFailed("answers must be a list", field="answers")
        try:
            checked = scope.check_answers_in_scope(answers, list(d.question_keys), d.unit_id)
        except scope.ScopeInvalid as exc:
            raise Forbidden(exc.problem, field=exc.field) from exc
        if not checked:
            return 0
        result = self.survey.save_answers(d.municipality_id, d.year, checked, delegate_actor(d))
        self.db.refresh(d, with_for_update=True)
        if d.state in ("assigned", "sent_back"):
            actor = {"user_id": None, "name": d.delegate_name, "role": "delegate"}
            self._move(d, "start", actor)
        return int(result.get("saved", 0))
