"""Answer rules without a broker: valid values per type, the batch is all or nothing, progress."""

from __future__ import annotations

import pytest

from services.common.questionnaire import MAX_NOTE, MAX_NUMBER, MAX_TEXT, questions_by_key
from services.survey.answers import (
    AnswerInvalid,
    check_answer,
    check_batch,
    check_value,
    is_change,
    progress,
    snapshot,
)
from services.survey.questionnaire_format import parse_questionnaire
from tests.support.questionnaires import SMALL_2026

QUESTIONNAIRE = parse_questionnaire(SMALL_2026)
QUESTIONS = questions_by_key(QUESTIONNAIRE)
UNITS = {11, 12}


def invalid(call, *args) -> AnswerInvalid:  # noqa: ANN001
    with pytest.raises(AnswerInvalid) as caught:
        call(*args)
    return caught.value


@pytest.mark.parametrize(
    ("key", "value", "stored"),
    [
        ("governance.policy", 3, 3),
        ("governance.reporting", "partly", "partly"),
        ("governance.notes", "  Godkendt i 2025.  ", "Godkendt i 2025."),
        ("ownership.owners", "some", "some"),
        ("ownership.controls", ["backup", "access"], ["access", "backup"]),
        ("ownership.training", 42.5, 42.5),
        ("ownership.training", 0, 0),
    ],
)
def test_valid_values_are_returned_in_stored_form(key, value, stored):
    assert check_value(QUESTIONS[key], value, "v") == stored


@pytest.mark.parametrize(
    ("key", "value", "phrase"),
    [
        ("governance.policy", 6, "whole number 1-5"),
        ("governance.policy", 0, "whole number 1-5"),
        ("governance.policy", True, "whole number 1-5"),
        ("governance.policy", 2.5, "whole number 1-5"),
        ("governance.reporting", "maybe", "yes, partly, no"),
        ("governance.notes", 7, "must be text"),
        ("governance.notes", "x" * (MAX_TEXT + 1), f"longer than {MAX_TEXT}"),
        ("ownership.owners", "many", "none, some, all"),
        ("ownership.controls", "access", "list of option keys"),
        ("ownership.controls", ["access", "firewall"], "unknown option 'firewall'"),
        ("ownership.controls", ["access", "access"], "chosen twice"),
        ("ownership.training", "12", "must be a number"),
        ("ownership.training", False, "must be a number"),
        ("ownership.training", -1, "between 0 and"),
        ("ownership.training", MAX_NUMBER * 2, "between 0 and"),
        ("ownership.training", float("nan"), "between 0 and"),
    ],
)
def test_invalid_values_name_the_field_and_the_problem(key, value, phrase):
    error = invalid(check_value, QUESTIONS[key], value, "answers[0].value")
    assert error.field == "answers[0].value"
    assert phrase in error.problem


def test_scope_decides_whether_a_unit_is_needed():
    unit_question, municipal_question = (
        QUESTIONS["ownership.owners"],
        QUESTIONS["governance.policy"],
    )
    assert invalid(check_answer, unit_question, {"value": "all"}, UNITS, "a").field == "a.unit_id"
    unknown = invalid(check_answer, unit_question, {"unit_id": 99, "value": "all"}, UNITS, "a")
    assert "unknown unit 99" in unknown.problem
    municipal = invalid(check_answer, municipal_question, {"unit_id": 11, "value": 3}, UNITS, "a")
    assert municipal.field == "a.unit_id"


def test_na_needs_permission_a_justification_and_no_value():
    reporting = QUESTIONS["governance.reporting"]
    ok = check_answer(reporting, {"na": True, "justification": " Ingen rapportering "}, UNITS, "a")
    assert ok == {
        "question_key": "governance.reporting",
        "unit_id": None,
        "value": None,
        "na": True,
        "justification": "Ingen rapportering",
        "comment": None,
    }
    assert invalid(check_answer, reporting, {"na": True}, UNITS, "a").field == "a.justification"
    with_value = {"na": True, "value": "yes", "justification": "x"}
    assert invalid(check_answer, reporting, with_value, UNITS, "a").field == "a.value"
    not_allowed = {"na": True, "justification": "x"}
    assert invalid(check_answer, QUESTIONS["governance.policy"], not_allowed, UNITS, "a").field == (
        "a.na"
    )
    assert invalid(check_answer, reporting, {"na": "yes"}, UNITS, "a").field == "a.na"


def test_notes_are_text_within_the_limit_and_blank_means_none():
    policy = QUESTIONS["governance.policy"]
    blank = check_answer(policy, {"value": 2, "comment": "   "}, UNITS, "a")
    assert blank["comment"] is None
    assert invalid(check_answer, policy, {"value": 2, "comment": 5}, UNITS, "a").field == (
        "a.comment"
    )
    long = {"value": 2, "justification": "x" * (MAX_NOTE + 1)}
    assert invalid(check_answer, policy, long, UNITS, "a").field == "a.justification"


def test_a_batch_is_rejected_whole_at_the_first_problem():
    good = {"question_key": "governance.policy", "value": 4}
    assert check_batch(QUESTIONNAIRE, UNITS, [good])[0]["value"] == 4
    error = invalid(
        check_batch,
        QUESTIONNAIRE,
        UNITS,
        [good, {"question_key": "ownership.owners", "unit_id": 11, "value": "many"}],
    )
    assert error.field == "answers[1].value"
    assert invalid(check_batch, QUESTIONNAIRE, UNITS, [good, good]).field == "answers[1]"
    unknown = invalid(check_batch, QUESTIONNAIRE, UNITS, [{"question_key": "nope", "value": 1}])
    assert unknown.field == "answers[0].question_key"
    assert invalid(check_batch, QUESTIONNAIRE, UNITS, ["policy=4"]).field == "answers[0]"


def test_the_same_question_for_two_units_is_not_a_duplicate():
    batch = [
        {"question_key": "ownership.owners", "unit_id": 11, "value": "all"},
        {"question_key": "ownership.owners", "unit_id": 12, "value": "none"},
    ]
    assert len(check_batch(QUESTIONNAIRE, UNITS, batch)) == 2


def test_a_change_is_any_difference_in_the_recorded_fields():
    old = {"question_key": "governance.policy", "unit_id": None, "value": 3, "na": False}
    assert snapshot(old) == {"value": 3, "na": False, "justification": None, "comment": None}
    assert is_change(None, old)
    assert not is_change(old, {**old, "unit_id": 5})
    assert is_change(old, {**old, "value": 4})
    assert is_change(old, {**old, "comment": "Ny note"})


def test_progress_counts_values_and_na_per_area_unit_and_municipality():
    answers = [
        {"question_key": "governance.policy", "unit_id": None, "value": 3},
        {"question_key": "governance.reporting", "unit_id": None, "value": None, "na": True},
        {"question_key": "governance.notes", "unit_id": None, "value": None},
        {"question_key": "ownership.owners", "unit_id": 11, "value": "all"},
        {"question_key": "ownership.training", "unit_id": 11, "value": 0},
    ]
    result = progress(QUESTIONNAIRE, [11, 12], answers)
    assert result["municipality"] == {"answered": 4, "expected": 9}
    assert result["areas"] == [
        {"key": "governance", "answered": 2, "expected": 3},
        {"key": "ownership", "answered": 2, "expected": 6},
    ]
    first, second = result["units"]
    assert (first["id"], first["answered"], first["expected"]) == (11, 2, 3)
    assert (second["answered"], second["expected"]) == (0, 3)
