"""The benchmark service's projection of scores and rounds, applied idempotently.

Scores carry scoring's per-(municipality, year) revision: a score is applied only when its
revision is newer than the one held, so redelivered or overtaken events change nothing, and the
reconciler can overwrite with scoring's current snapshot. A round's state only moves forward
(draft, open, closed), whatever order the events come in.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.benchmark import disclosure, engine
from services.benchmark.models import (
    KnownQuestionnaire,
    MunicipalityScore,
    RoundBenchmark,
    RoundState,
)
from services.common.outbox import utcnow

STATE_ORDER = {"draft": 0, "open": 1, "closed": 2}


def apply_scores(
    session: Session, municipality_id: int, year: int, revision: int, data: Mapping, force: bool
) -> bool:
    """Store scores newer than the held revision (or any, with ``force``); True if stored."""
    held = session.get(MunicipalityScore, (municipality_id, year))
    if held is None:
        held = MunicipalityScore(municipality_id=municipality_id, year=year, revision=-1)
        session.add(held)
    elif not force and revision <= held.revision:
        return False
    held.revision = revision
    held.overall = data.get("overall")
    held.completeness = data.get("completeness")
    held.areas = dict(data.get("areas") or {})
    held.questions = dict(data.get("questions") or {})
    held.updated_at = utcnow()
    mark_dirty(session, year)
    return True


def scores_of(session: Session, year: int) -> dict[int, dict]:
    rows = session.scalars(select(MunicipalityScore).where(MunicipalityScore.year == year))
    return {row.municipality_id: score_dict(row) for row in rows}


def score_dict(row: MunicipalityScore) -> dict:
    return {
        "overall": row.overall,
        "completeness": row.completeness,
        "areas": row.areas or {},
        "questions": row.questions or {},
    }


def revisions(session: Session, year: int) -> dict[int, int]:
    rows = session.execute(
        select(MunicipalityScore.municipality_id, MunicipalityScore.revision).where(
            MunicipalityScore.year == year
        )
    )
    return {municipality_id: revision for municipality_id, revision in rows}


def store_round_state(session: Session, year: int, state: str) -> bool:
    """Move a round forward only; True when the state changed (and the figures are dirty)."""
    held = session.get(RoundState, year)
    if held is None:
        session.add(RoundState(year=year, state=state, dirty=True, updated_at=utcnow()))
        return True
    if STATE_ORDER[state] <= STATE_ORDER.get(held.state, -1):
        return False
    held.state, held.dirty, held.updated_at = state, True, utcnow()
    return True


def mark_dirty(session: Session, year: int | None = None) -> None:
    query = update(RoundState).values(dirty=True)
    if year is not None:
        query = query.where(RoundState.year == year)
    session.execute(query)


def store_questionnaire(session: Session, year: int, version: str, definition: dict) -> None:
    held = session.get(KnownQuestionnaire, year)
    if held is None:
        session.add(KnownQuestionnaire(year=year, version=version, definition=definition))
    else:
        held.version, held.definition = version, definition


def recompute_round(
    session: Session,
    year: int,
    questionnaire: dict,
    membership: Mapping[int, Mapping],
    rules: disclosure.Rules = disclosure.DEFAULT,
) -> RoundBenchmark | None:
    """Compute and store the round's published figures from the projection (no commit).

    Final once the round is closed, preliminary while it is open; a draft round has none.
    """
    round_ = session.get(RoundState, year)
    if round_ is None or round_.state == "draft":
        return None
    scores = scores_of(session, year)
    document = engine.publish(
        engine.compute_round(year, questionnaire, scores, membership, rules),
        preliminary=round_.state != "closed",
    )
    stored = session.get(RoundBenchmark, year)
    if stored is None:
        stored = RoundBenchmark(year=year)
        session.add(stored)
    stored.state = document["state"]
    stored.document = document
    stored.contributors = len(engine.participants(scores, membership))
    stored.computed_at = utcnow()
    round_.dirty = False
    return stored
