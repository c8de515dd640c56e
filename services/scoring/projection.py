"""Applying survey's events to the projection, idempotently and in any order.

Each answer carries the revision survey gave it: an answer is applied only when its revision is
newer than the one held, so redelivered or overtaken events change nothing.
"""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from services.scoring.models import KnownQuestionnaire, ProjectedAnswer, ScoreSnapshot, UnitSet


def lock(session: Session, municipality_id: int, year: int) -> None:
    """Serialise the writers of one municipality's projection and scores until commit.

    Events are applied by several workers at once, and after a restart the redelivered ones in
    any order. Without the lock two of them read the same answer row and each writes only the
    columns it changed: one the value of revision n, the other just the number n+1, leaving
    revision n+1 with the value of n. The watermark (count and sum of revisions) then equals
    survey's, so the reconciler would never repair it. A transaction-scoped advisory lock also
    covers rows not inserted yet; SQLite (local runs) has a single writer anyway.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:municipality, :year)"),
            {"municipality": municipality_id, "year": year},
        )


def apply_answers(session: Session, municipality_id: int, year: int, answers: list[dict]) -> int:
    """Upsert answers whose revision is newer; returns how many changed the projection."""
    current = {
        (a.question_key, a.unit_key): a
        for a in session.scalars(
            select(ProjectedAnswer).where(
                ProjectedAnswer.municipality_id == municipality_id, ProjectedAnswer.year == year
            )
        )
    }
    applied = 0
    for answer in answers:
        unit_key = answer["unit_id"] or 0
        held = current.get((answer["question_key"], unit_key))
        if held is None:
            held = ProjectedAnswer(
                municipality_id=municipality_id,
                year=year,
                question_key=answer["question_key"],
                unit_id=answer["unit_id"],
                unit_key=unit_key,
                revision=0,
            )
            session.add(held)
            current[(answer["question_key"], unit_key)] = held
        if answer["revision"] <= held.revision:
            continue
        held.value, held.na, held.revision = answer["value"], answer["na"], answer["revision"]
        applied += 1
    return applied


def replace_answers(session: Session, municipality_id: int, year: int, answers: list[dict]) -> None:
    """Make the projection equal to the source's answers (used by rebuild).

    The source wins even over a higher revision held here: such a revision can only come from
    a bad event. An event newer than the snapshot that is overwritten here shows up as a
    watermark difference and is repaired by the next reconciliation.
    """
    source = {(a["question_key"], a["unit_id"] or 0): a for a in answers}
    for held in session.scalars(
        select(ProjectedAnswer).where(
            ProjectedAnswer.municipality_id == municipality_id, ProjectedAnswer.year == year
        )
    ):
        truth = source.pop((held.question_key, held.unit_key), None)
        if truth is None:
            session.delete(held)
        else:
            held.value, held.na, held.revision = truth["value"], truth["na"], truth["revision"]
    session.flush()
    apply_answers(session, municipality_id, year, list(source.values()))


def projected_answers(session: Session, municipality_id: int, year: int) -> list[dict]:
    rows = session.scalars(
        select(ProjectedAnswer).where(
            ProjectedAnswer.municipality_id == municipality_id, ProjectedAnswer.year == year
        )
    )
    return [
        {
            "question_key": a.question_key,
            "unit_id": a.unit_id,
            "value": a.value,
            "na": a.na,
            "revision": a.revision,
        }
        for a in rows
    ]


def watermark(session: Session, municipality_id: int, year: int) -> list[int]:
    """[count, sum of revisions]: equal to survey's figure when the projection is complete."""
    revisions = session.scalars(
        select(ProjectedAnswer.revision).where(
            ProjectedAnswer.municipality_id == municipality_id, ProjectedAnswer.year == year
        )
    ).all()
    return [len(revisions), sum(revisions)]


def store_units(session: Session, municipality_id: int, unit_ids: list[int], revision: int) -> bool:
    """Keep the newest unit set; False when the event is older than what is held."""
    held = session.get(UnitSet, municipality_id)
    if held is None:
        session.add(UnitSet(municipality_id=municipality_id, revision=revision, unit_ids=unit_ids))
        return True
    if revision < held.revision:
        return False
    held.revision, held.unit_ids = revision, unit_ids
    return True


def store_questionnaire(session: Session, year: int, version: str, definition: dict) -> None:
    held = session.get(KnownQuestionnaire, year)
    if held is None:
        session.add(KnownQuestionnaire(year=year, version=version, definition=definition))
    else:
        held.version, held.definition = version, definition


def mark_stale(
    session: Session, municipality_id: int | None = None, year: int | None = None
) -> None:
    from sqlalchemy import update

    query = update(ScoreSnapshot).values(stale=True)
    if municipality_id is not None:
        query = query.where(ScoreSnapshot.municipality_id == municipality_id)
    if year is not None:
        query = query.where(ScoreSnapshot.year == year)
    session.execute(query)
