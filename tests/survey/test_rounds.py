"""The yearly round: draft → open → closed, one open at a time, only an open round answers."""

import pytest

from services.survey.rounds import RoundRuleBroken, check_answerable, check_transition


@pytest.mark.parametrize(("current", "target"), [("draft", "open"), ("open", "closed")])
def test_allowed_transitions(current, target):
    check_transition(current, target, other_open_year=None)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("closed", "open"),
        ("draft", "closed"),
        ("open", "open"),
        ("closed", "closed"),
        ("open", "x"),
    ],
)
def test_other_transitions_are_refused_naming_both_states(current, target):
    with pytest.raises(RoundRuleBroken, match=f"a {current} round cannot become {target}"):
        check_transition(current, target, other_open_year=None)


def test_a_second_round_cannot_open_while_one_is_open():
    with pytest.raises(RoundRuleBroken, match="the 2025 round is still open; close it first"):
        check_transition("draft", "open", other_open_year=2025)
    check_transition("open", "closed", other_open_year=2025)


def test_only_an_open_round_can_be_answered():
    check_answerable("open", 2026)
    for state, phrase in [
        (None, "there is no 2026 round"),
        ("draft", "not open yet"),
        ("closed", "closed and read-only"),
    ]:
        with pytest.raises(RoundRuleBroken, match=phrase):
            check_answerable(state, 2026)
