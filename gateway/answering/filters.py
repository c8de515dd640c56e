"""Filters of the answering page: unanswered, delegated, below the acceptable level.

Plain functions (no Flask) so the page and its tests share one definition. "Below acceptable"
uses the shared per-answer rule, so the filter agrees with the scores page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from gateway.answering.form import is_answered
from services.common.answer_score import score_answer

FILTERS = ("all", "unanswered", "delegated", "below")


def chosen_filter(raw: str | None) -> str:
    return raw if raw in FILTERS else "all"


def delegated_keys(overview: Mapping | None, unit_id: int | None) -> set[str]:
    """Question keys with an active delegation for the scope (whole municipality or a unit),
    from the delegation service's overview."""
    keys: set[str] = set()
    for target in (overview or {}).get("targets", []):
        if target.get("unit_id") != unit_id:
            continue
        for entries in target.get("areas", {}).values():
            keys.update(e["question_key"] for e in entries)
    return keys


def is_below(question: dict, answer: Mapping | None, acceptable: float) -> bool:
    try:
        score = score_answer(question, dict(answer) if answer else None)
    except ValueError:
        return False
    return score is not None and score < acceptable


def keep(
    name: str,
    question: dict,
    answer: Mapping | None,
    delegated: set[str],
    acceptable: float,
) -> bool:
    if name == "unanswered":
        return not is_answered(answer)
    if name == "delegated":
        return question["key"] in delegated
    if name == "below":
        return is_below(question, answer, acceptable)
    return True


def apply(
    name: str,
    questions: Iterable[dict],
    saved: Mapping[str, Mapping],
    delegated: set[str],
    acceptable: float,
) -> list[dict]:
    return [q for q in questions if keep(name, q, saved.get(q["key"]), delegated, acceptable)]
