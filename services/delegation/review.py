"""The coordinator's and unit lead's side: making, re-delegating, extending, sending back.

No nameko: the service hands in its session and its ``survey`` proxy, then commits, publishes
the returned event rows and hands the mails over. In plain words:

* a coordinator manages every delegation of the municipality; a unit lead only those of their
  unit and the units below it, and outside them a delegation does not exist (not found);
* a delegation is made only in an open round, for a unit of the municipality, with questions
  resolved against the round's questionnaire (``scope``); its due date is neither past nor more
  than a year away;
* making or re-delegating sends an invitation with a fresh link; re-delegating closes the old
  delegation first, so its questions can be claimed again; sending back needs a comment, which
  goes to the delegate with a fresh link; an extension keeps the state and is in the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from services.common import localtime
from services.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.common.questionnaire import questions_by_key
from services.delegation import mailing, records, scope, states
from services.delegation.models import Delegation


@dataclass(frozen=True)
class Target:
    """What a new delegation covers, checked against survey: unit, questions, names."""

    unit_name: str | None
    municipality_name: str
    keys: list[str]
    questionnaire: dict


def check_due_date(due: date) -> None:
    today = localtime.local_today()
    if due < today:
        raise ValidationFailed("the due date has passed", field="due_date")
    if due > today + timedelta(days=366):
        raise ValidationFailed("the due date is more than a year away", field="due_date")


def allowed_units(survey: object, municipality_id: int, actor: dict) -> set[int] | None:
    """None for a coordinator (everything); a unit lead's own units otherwise."""
    if actor["role"] == "coordinator":
        return None
    return scope.manageable_unit_ids(actor, survey.list_units(municipality_id))


def managed(
    db: Session,
    survey: object,
    municipality_id: int,
    delegation_id: int,
    actor: dict,
    lock: bool = False,
) -> Delegation:
    """A delegation the actor manages; outside a unit lead's units it does not exist."""
    delegation = records.find(db, municipality_id, delegation_id, lock)
    allowed = allowed_units(survey, municipality_id, actor)
    if allowed is not None and delegation.unit_id not in allowed:
        raise NotFound(f"no delegation {delegation_id}", field="delegation_id")
    return delegation


def target(survey: object, municipality_id: int, year: int, fields: dict, actor: dict) -> Target:
    """Check the round, the unit and the actor's right, and resolve the questions."""
    round_ = survey.get_round(year)
    if round_.get("state") != "open":
        raise Conflict(f"the {year} round is not open", field="year")
    units = survey.list_units(municipality_id)
    unit = None
    if fields["unit_id"] is not None:
        unit = next((u for u in units if u["id"] == fields["unit_id"]), None)
        if unit is None:
            raise NotFound(f"no unit {fields['unit_id']}", field="unit_id")
    questionnaire = survey.get_questionnaire(year)
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
    municipality = survey.get_municipality(municipality_id)
    return Target(unit["name"] if unit else None, municipality["name"], keys, questionnaire)


def invite(db: Session, d: Delegation, questionnaire: dict) -> None:
    """The invitation with the delegation's first link, in the caller's transaction."""
    known = questions_by_key(questionnaire)
    mailing.queue(
        db,
        d,
        "invitation",
        f"invitation:{d.id}",
        {"questions": [{"text": known[k]["text"]} for k in d.question_keys if k in known]},
    )


def create(
    db: Session, municipality_id: int, year: int, fields: dict, actor: dict, found: Target
) -> tuple[Delegation, list]:
    """Insert the delegation and request its invitation; returns it and its event rows."""
    d = records.insert(
        db,
        municipality_id,
        year,
        fields,
        found.keys,
        actor,
        (found.unit_name, found.municipality_name),
    )
    rows = [records.event(db, d, "delegation_created", actor["role"])]
    invite(db, d, found.questionnaire)
    return d, rows


def redelegate(
    db: Session, survey: object, old: Delegation, fields: dict, actor: dict
) -> tuple[Delegation, list]:
    """Close ``old`` and hand its questions to someone else; returns the new one and events."""
    fields["due_date"] = fields["due_date"] or old.due_date
    check_due_date(fields["due_date"])
    comment = f"re-delegated to {fields['delegate_name']}"
    rows = records.move(db, old, "redelegate", actor, comment)
    db.flush()
    questionnaire = survey.get_questionnaire(old.year)
    new_fields = {
        **fields,
        "unit_id": old.unit_id,
        "kind": old.kind,
        "area_key": old.area_key,
        "message": fields["message"] if fields["message"] is not None else old.message,
    }
    d = records.insert(
        db,
        old.municipality_id,
        old.year,
        new_fields,
        list(old.question_keys),
        actor,
        (old.unit_name, old.municipality_name),
        replaces_id=old.id,
    )
    rows.append(records.event(db, d, "delegation_created", actor["role"]))
    invite(db, d, questionnaire)
    return d, rows


def extend(db: Session, d: Delegation, new_due: date, actor: dict) -> None:
    """Move the due date (checked by the caller first), keep the state; the history shows both."""
    try:
        states.next_state(d.state, "extend", actor["role"])
    except states.TransitionRefused as exc:
        raise Conflict(str(exc), field="state") from exc
    old_due = d.due_date
    d.due_date = new_due
    d.revision += 1
    records.record(
        db, d, "extend", d.state, actor, f"{old_due.isoformat()} → {new_due.isoformat()}"
    )


def send_back(db: Session, d: Delegation, text: str, actor: dict) -> list:
    """Back to the delegate with the reviewer's comment and a fresh link; returns events."""
    rows = records.move(db, d, "send_back", actor, text)
    d.review_comment = text
    d.last_mailed_on = localtime.local_today()
    mailing.queue(
        db,
        d,
        "sent_back",
        f"sent_back:{d.id}:{d.revision}",
        {"comment": text, "reviewer_name": actor["name"]},
    )
    return rows
