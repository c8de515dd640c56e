"""Answers and their history in survey's database.

A database adapter (no nameko): the service checks the batch with ``answers`` and holds the
municipality's lock, this module writes. In plain words:

* only a real change is stored (``answers.is_change``), or a draft being confirmed: saving the
  same answer again leaves no revision and no history row;
* every stored change raises the answer's revision by one and leaves an ``AnswerChange`` row with
  the old and new answer, the actor and the time, in the same transaction;
* a municipality-wide answer is kept under unit key 0, so the unique key (municipality, year,
  question, unit key) holds for it too.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.common.outbox import utcnow
from services.survey import answers as answer_rules
from services.survey.models import Answer, AnswerChange


def current(db: Session, municipality_id: int, year: int) -> dict[tuple, Answer]:
    """The round's stored answers of the municipality, by (question key, unit id)."""
    return {
        (a.question_key, a.unit_id): a
        for a in db.scalars(
            select(Answer).where(Answer.municipality_id == municipality_id, Answer.year == year)
        )
    }


def store(
    db: Session,
    municipality_id: int,
    year: int,
    checked: list[dict],
    actor: dict,
    draft: bool,
) -> list[Answer]:
    """Store the changed answers and their history; the caller holds the municipality lock."""
    stored = current(db, municipality_id, year)
    now = utcnow()
    changes: list[tuple[Answer, dict | None, dict]] = []
    for new in checked:
        existing = stored.get((new["question_key"], new["unit_id"]))
        if not answer_rules.is_change(existing, new) and not (
            existing is not None and existing.draft and not draft
        ):
            continue
        old = answer_rules.snapshot(existing) if existing is not None else None
        if existing is None:
            existing = Answer(
                municipality_id=municipality_id,
                year=year,
                question_key=new["question_key"],
                unit_id=new["unit_id"],
                unit_key=new["unit_id"] or 0,
                revision=0,
            )
            db.add(existing)
        for name in answer_rules.ANSWER_FIELDS:
            setattr(existing, name, new[name])
        existing.draft = draft
        existing.revision += 1
        existing.answered_by = actor["name"]
        existing.answered_by_id = actor.get("user_id")
        existing.answered_at = now
        changes.append((existing, old, new))
    # One flush for the whole batch gives new answers their ids for the history rows.
    db.flush()
    db.add_all(
        AnswerChange(
            answer_id=answer.id,
            municipality_id=municipality_id,
            revision=answer.revision,
            old=old,
            new=answer_rules.snapshot(new),
            actor_id=actor.get("user_id"),
            actor_name=actor["name"],
            actor_role=actor["role"],
            changed_at=now,
        )
        for answer, old, new in changes
    )
    return [answer for answer, _, _ in changes]


def history(
    db: Session, municipality_id: int, year: int, question_key: str, unit_id: int | None
) -> list[AnswerChange]:
    """An answer's changes, newest first; none for an answer never given."""
    answer = db.scalar(
        select(Answer).where(
            Answer.municipality_id == municipality_id,
            Answer.year == year,
            Answer.question_key == question_key,
            Answer.unit_key == (unit_id or 0),
        )
    )
    if answer is None:
        return []
    return list(
        db.scalars(
            select(AnswerChange)
            .where(AnswerChange.answer_id == answer.id)
            .order_by(AnswerChange.revision.desc())
        )
    )


def count_for_unit(db: Session, municipality_id: int, unit_id: int) -> int:
    """How many answers a unit has (a unit with answers cannot be deleted)."""
    return db.scalar(
        select(func.count())
        .select_from(Answer)
        .where(Answer.municipality_id == municipality_id, Answer.unit_id == unit_id)
    )


def watermarks(db: Session, year: int) -> dict:
    """Per municipality: number of answers and sum of revisions, for scoring's reconciler."""
    rows = db.execute(
        select(Answer.municipality_id, func.count(), func.sum(Answer.revision))
        .where(Answer.year == year)
        .group_by(Answer.municipality_id)
    )
    return {str(m): [int(n), int(s or 0)] for m, n, s in rows}
