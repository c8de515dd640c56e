"""The yearly cycle of a municipality and where it stands in it, for the dashboard checklist.

Pure rules over figures the services already give (units, delegations, progress, round state,
reports, benchmark), so what counts as "done" is decided in one place and tested without Flask.
The cycle: units → delegation → answering → review → submit → reports → benchmark.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

STEPS = ("units", "delegation", "answering", "review", "submit", "reports", "benchmark")
DONE, NEXT, LATER = "done", "next", "later"
ACTIVE_DELEGATION_STATES = frozenset({"assigned", "in_progress", "submitted", "sent_back"})


@dataclass(frozen=True)
class CycleFacts:
    """What is known about the municipality's open (or newest) round."""

    round_state: str
    units: int = 0
    delegations: int = 0
    delegations_active: int = 0
    delegations_overdue: int = 0
    delegations_submitted: int = 0
    answered: int = 0
    expected: int = 0
    units_complete: int = 0
    areas_complete: int = 0
    areas: int = 0
    reports_ordered: int = 0
    benchmark_available: bool = False


@dataclass(frozen=True)
class Step:
    key: str
    status: str
    values: dict = field(default_factory=dict)
    warning: bool = False


def _complete(facts: CycleFacts) -> bool:
    return facts.expected > 0 and facts.answered >= facts.expected


def _done(key: str, facts: CycleFacts) -> bool:
    closed = facts.round_state == "closed"
    if key == "units":
        return facts.units > 0
    if key == "delegation":
        return facts.delegations > 0 or closed
    if key == "answering":
        return _complete(facts) or closed
    if key == "review":
        return facts.delegations_active == 0 and (_complete(facts) or closed)
    if key == "submit":
        return closed
    if key == "reports":
        return facts.reports_ordered > 0
    return facts.benchmark_available


def _values(key: str, facts: CycleFacts) -> dict:
    if key == "units":
        return {"count": facts.units}
    if key == "delegation":
        return {
            "count": facts.delegations,
            "active": facts.delegations_active,
            "overdue": facts.delegations_overdue,
        }
    if key == "answering":
        return {
            "answered": facts.answered,
            "expected": facts.expected,
            "areas_complete": facts.areas_complete,
            "areas": facts.areas,
            "units_complete": facts.units_complete,
            "units": facts.units,
        }
    if key == "review":
        return {"submitted": facts.delegations_submitted, "active": facts.delegations_active}
    if key == "reports":
        return {"count": facts.reports_ordered}
    return {}


def checklist(facts: CycleFacts) -> list[Step]:
    """Each step done, the first one not done is "next", the rest "later".

    A step can be done out of order (a report ordered before the answers are complete); it
    still shows as done, and "next" is always the earliest step still to do.
    """
    steps = []
    next_taken = False
    for key in STEPS:
        if _done(key, facts):
            status = DONE
        elif not next_taken:
            status, next_taken = NEXT, True
        else:
            status = LATER
        warning = (key == "delegation" and facts.delegations_overdue > 0) or (
            key == "review" and facts.delegations_submitted > 0
        )
        steps.append(Step(key, status, _values(key, facts), warning))
    return steps


def next_step(steps: Iterable[Step]) -> Step | None:
    return next((s for s in steps if s.status == NEXT), None)


def count_complete(rows: Iterable[dict]) -> int:
    """Rows of ``{"answered", "expected"}`` (areas or units) with every expected answer."""
    return sum(1 for r in rows if r.get("expected") and r.get("answered", 0) >= r["expected"])


def delegation_counts(delegations: Iterable[dict]) -> dict[str, int]:
    """Made, still active, overdue and awaiting review, from the delegation service's list."""
    listed = list(delegations)
    active = [d for d in listed if d.get("state") in ACTIVE_DELEGATION_STATES]
    return {
        "delegations": sum(1 for d in listed if d.get("state") != "revoked"),
        "delegations_active": len(active),
        "delegations_overdue": sum(1 for d in active if d.get("overdue")),
        "delegations_submitted": sum(1 for d in active if d.get("state") == "submitted"),
    }
