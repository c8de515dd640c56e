"""The yearly-cycle checklist and the answering filters: pure rules, no Flask."""

from __future__ import annotations

from pathlib import Path

import yaml

from gateway import cycle
from gateway.answering import filters as answer_filters
from gateway.cycle import DONE, LATER, NEXT, CycleFacts

ROOT = Path(__file__).resolve().parents[2]


def statuses(facts: CycleFacts) -> dict[str, str]:
    return {s.key: s.status for s in cycle.checklist(facts)}


def test_a_new_municipality_starts_with_units_and_nothing_else_is_next() -> None:
    found = statuses(CycleFacts(round_state="open", expected=40))
    assert found["units"] == NEXT
    assert [k for k, s in found.items() if s == LATER] == list(cycle.STEPS[1:])


def test_units_made_makes_delegation_next() -> None:
    found = statuses(CycleFacts(round_state="open", units=3, expected=40, answered=5))
    assert found["units"] == DONE and found["delegation"] == NEXT
    assert found["answering"] == LATER


def test_delegations_made_makes_answering_next_until_complete() -> None:
    facts = CycleFacts(
        round_state="open", units=3, delegations=2, delegations_active=2, expected=40, answered=39
    )
    assert statuses(facts)["answering"] == NEXT
    complete = CycleFacts(
        round_state="open", units=3, delegations=2, delegations_active=1, expected=40, answered=40
    )
    found = statuses(complete)
    assert found["answering"] == DONE
    assert found["review"] == NEXT, "an active delegation still needs review"


def test_all_reviewed_and_answered_leaves_submit_next_while_the_round_is_open() -> None:
    facts = CycleFacts(round_state="open", units=2, delegations=3, expected=10, answered=10)
    found = statuses(facts)
    assert found["review"] == DONE and found["submit"] == NEXT


def test_a_closed_round_with_a_report_leaves_the_benchmark() -> None:
    facts = CycleFacts(round_state="closed", units=2, expected=10, answered=7, reports_ordered=1)
    found = statuses(facts)
    assert [found[k] for k in ("delegation", "answering", "review", "submit", "reports")] == [
        DONE
    ] * 5
    assert found["benchmark"] == NEXT
    assert (
        statuses(CycleFacts(round_state="closed", units=1, benchmark_available=True))["reports"]
        == NEXT
    )


def test_a_step_done_out_of_order_stays_done_and_next_is_the_earliest_open_one() -> None:
    found = statuses(CycleFacts(round_state="open", expected=10, reports_ordered=2))
    assert found["reports"] == DONE and found["units"] == NEXT


def test_overdue_and_submitted_delegations_are_flagged_with_their_counts() -> None:
    facts = CycleFacts(
        round_state="open",
        units=1,
        delegations=4,
        delegations_active=3,
        delegations_overdue=2,
        delegations_submitted=1,
        expected=10,
    )
    steps = {s.key: s for s in cycle.checklist(facts)}
    assert steps["delegation"].warning and steps["delegation"].values["overdue"] == 2
    assert steps["review"].warning and steps["review"].values["submitted"] == 1
    assert not steps["units"].warning
    assert cycle.next_step(steps.values()).key == "answering"


def test_delegation_counts_from_the_services_list() -> None:
    listed = [
        {"state": "assigned", "overdue": True},
        {"state": "submitted", "overdue": False},
        {"state": "approved", "overdue": False},
        {"state": "revoked", "overdue": True},
    ]
    assert cycle.delegation_counts(listed) == {
        "delegations": 3,
        "delegations_active": 2,
        "delegations_overdue": 1,
        "delegations_submitted": 1,
    }


def test_count_complete_ignores_rows_without_questions() -> None:
    rows = [
        {"answered": 2, "expected": 2},
        {"answered": 1, "expected": 2},
        {"answered": 0, "expected": 0},
    ]
    assert cycle.count_complete(rows) == 1


QUESTIONS = [
    {"key": "a.level", "type": "maturity"},
    {"key": "a.yes", "type": "yes_partly_no"},
    {"key": "a.text", "type": "text"},
    {"key": "a.open", "type": "maturity"},
]
SAVED = {
    "a.level": {"value": 2, "na": False},
    "a.yes": {"value": "yes", "na": False},
    "a.text": {"value": "noget", "na": False},
}


def keys(name: str, delegated: set[str] | None = None) -> list[str]:
    kept = answer_filters.apply(name, QUESTIONS, SAVED, delegated or set(), 3.0)
    return [q["key"] for q in kept]


def test_filters_unanswered_below_and_delegated() -> None:
    assert keys("all") == ["a.level", "a.yes", "a.text", "a.open"]
    assert keys("unanswered") == ["a.open"]
    assert keys("below") == ["a.level"], "text and unanswered questions have no score"
    assert keys("delegated", {"a.yes", "a.open"}) == ["a.yes", "a.open"]
    assert answer_filters.chosen_filter("nonsense") == "all"


def test_delegated_keys_only_for_the_scope_shown() -> None:
    overview = {
        "targets": [
            {"unit_id": None, "areas": {"a": [{"question_key": "a.yes"}]}},
            {"unit_id": 7, "areas": {"a": [{"question_key": "a.level"}]}},
        ]
    }
    assert answer_filters.delegated_keys(overview, None) == {"a.yes"}
    assert answer_filters.delegated_keys(overview, 7) == {"a.level"}
    assert answer_filters.delegated_keys(None, 7) == set()


def test_every_question_of_2026_has_a_help_text_in_both_languages() -> None:
    document = yaml.safe_load((ROOT / "data/questionnaires/2026.yaml").read_text("utf-8"))
    questions = [q for area in document["areas"] for q in area["questions"]]
    assert len(questions) > 50
    missing = [
        q["key"]
        for q in questions
        if not (q.get("help") or {}).get("da", "").strip()
        or not (q.get("help") or {}).get("en", "").strip()
    ]
    assert missing == []
