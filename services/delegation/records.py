"""Delegations in the database: found, inserted with their claimed questions, moved.

A database adapter (no nameko, no RPC). In plain words:

* a delegation is looked up within its municipality only; another municipality's is not found;
  a lookup for a change locks the row, so two reviewers (or a reviewer and the delegate) cannot
  both move it from the same state;
* every move goes through the state machine (``states``) and leaves a ``Transition`` row with
  actor and time; a move that closes the delegation releases its questions' claims, and one that
  reaches a new state stages that state's event in the caller's transaction;
* a delegation claims each of its questions (``municipality:year:unit:question``, unique while
  active); a question already claimed is refused naming it and who holds it, and the unique index
  refuses the one that slips past this check in a race.
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from services.common import localtime, outbox
from services.common.errors import Conflict, NotFound
from services.common.outbox import utcnow
from services.delegation import states
from services.delegation.models import DelegatedQuestion, Delegation, Outbox, Transition


def find(db: Session, municipality_id: int, delegation_id: int, lock: bool = False) -> Delegation:
    """The municipality's delegation, locked for a change when asked."""
    found = db.get(Delegation, delegation_id, with_for_update=lock)
    if found is None or found.municipality_id != municipality_id:
        raise NotFound(f"no delegation {delegation_id}", field="delegation_id")
    return found


def listed(db: Session, municipality_id: int, year: int, state: str | None) -> list[Delegation]:
    """The round's delegations of a municipality, newest first."""
    query = (
        select(Delegation)
        .where(Delegation.municipality_id == municipality_id, Delegation.year == year)
        .order_by(Delegation.id.desc())
    )
    if state:
        query = query.where(Delegation.state == state)
    return list(db.scalars(query))


def active_by_due_date(db: Session, municipality_id: int) -> list[Delegation]:
    return list(
        db.scalars(
            select(Delegation)
            .where(
                Delegation.municipality_id == municipality_id,
                Delegation.state.in_(sorted(states.ACTIVE)),
            )
            .order_by(Delegation.due_date)
        )
    )


def editable(db: Session) -> list[Delegation]:
    """Every delegation whose delegate still has to act (the reminder timer's list)."""
    return list(
        db.scalars(select(Delegation).where(Delegation.state.in_(sorted(states.EDITABLE)))).all()
    )


def count_active(db: Session) -> int:
    return (
        db.scalar(
            select(func.count())
            .select_from(Delegation)
            .where(Delegation.state.in_(sorted(states.ACTIVE)))
        )
        or 0
    )


def transitions(db: Session, delegation_id: int) -> list[Transition]:
    return list(
        db.scalars(
            select(Transition)
            .where(Transition.delegation_id == delegation_id)
            .order_by(Transition.id)
        )
    )


def record(
    db: Session,
    d: Delegation,
    action: str,
    from_state: str | None,
    actor: dict,
    comment: str | None = None,
) -> None:
    """The history row of a transition (or an extension); touches the delegation."""
    now = utcnow()
    d.updated_at = now
    db.add(
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


def move(db: Session, d: Delegation, action: str, actor: dict, comment: str | None = None) -> list:
    """Apply a transition of the state machine; returns the outbox rows to publish."""
    try:
        target = states.next_state(d.state, action, actor["role"])
    except states.TransitionRefused as exc:
        raise Conflict(str(exc), field="state") from exc
    before = d.state
    d.state = target
    d.revision += 1
    record(db, d, action, before, actor, comment)
    if not states.is_active(target):
        db.execute(
            update(DelegatedQuestion)
            .where(DelegatedQuestion.delegation_id == d.id)
            .values(claim=None)
        )
    event_type = states.EVENT_OF_STATE.get(target) if target != before else None
    return [event(db, d, event_type, actor["role"])] if event_type else []


def event(db: Session, d: Delegation, event_type: str, actor_role: str) -> object:
    """Stage a ``DelegationChanged`` event in the caller's transaction: no names, no addresses."""
    payload = {
        "delegation_id": d.id,
        "year": d.year,
        "unit_id": d.unit_id,
        "question_keys": list(d.question_keys),
        "state": d.state,
        "revision": d.revision,
        "actor_role": actor_role,
    }
    return outbox.add_event(db, Outbox, event_type, payload, d.municipality_id)


def check_unclaimed(db: Session, claims: dict[str, str], keys: list[str]) -> None:
    """Refuse a question that has an active delegation, naming it and its delegate."""
    taken = db.execute(
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


def insert(
    db: Session,
    municipality_id: int,
    year: int,
    fields: dict,
    keys: list[str],
    actor: dict,
    names: tuple[str | None, str],
    replaces_id: int | None = None,
) -> Delegation:
    """Insert the delegation (``names``: its unit's and municipality's) and claim its questions."""
    unit_key = fields["unit_id"] or 0
    claims = {k: f"{municipality_id}:{year}:{unit_key}:{k}" for k in keys}
    check_unclaimed(db, claims, keys)
    now = utcnow()
    d = Delegation(
        municipality_id=municipality_id,
        year=year,
        unit_id=fields["unit_id"],
        unit_name=names[0],
        municipality_name=names[1],
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
    db.add(d)
    db.flush()
    for key, claim in claims.items():
        db.add(DelegatedQuestion(delegation_id=d.id, question_key=key, claim=claim))
    record(db, d, "create", None, actor, d.message)
    db.flush()
    return d
