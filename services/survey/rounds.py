"""The yearly round's life: draft → open → closed, at most one open, closed is final."""

from __future__ import annotations

TRANSITIONS = {"open": {"draft"}, "closed": {"open"}}


class RoundRuleBroken(ValueError):
    pass


def check_transition(current: str, target: str, other_open_year: int | None) -> None:
    """Raise with a reason a coordinator or KL can act on when a transition is not allowed."""
    if current not in TRANSITIONS.get(target, set()):
        raise RoundRuleBroken(f"a {current} round cannot become {target}")
    if target == "open" and other_open_year is not None:
        raise RoundRuleBroken(f"the {other_open_year} round is still open; close it first")


def check_answerable(state: str | None, year: int) -> None:
    if state is None:
        raise RoundRuleBroken(f"there is no {year} round")
    if state == "closed":
        raise RoundRuleBroken(f"the {year} round is closed and read-only")
    if state == "draft":
        raise RoundRuleBroken(f"the {year} round is not open yet")
