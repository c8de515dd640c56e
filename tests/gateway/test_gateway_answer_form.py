"""Reading the answering form and finding what changed, without Flask."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from gateway.answering.form import (
    changed_answers,
    entry_from_answer,
    locate_error,
    parse_form,
    questions_for,
)
from services.common.questionnaire import MAX_NOTE, MAX_NUMBER, MAX_TEXT
from services.survey.answers import AnswerInvalid, check_answer

NUMBER = {"key": "a.hours", "type": "number", "scope": "municipality", "na_allowed": False}
CHOICES = {
    "key": "a.tools",
    "type": "multiple_choice",
    "scope": "unit",
    "na_allowed": True,
    "options": [{"key": "edr"}, {"key": "siem"}],
}
LEVEL = {"key": "a.level", "type": "maturity", "scope": "municipality", "na_allowed": True}


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("12", 12),
        ("2,5", 2.5),
        ("2.5", 2.5),
        ("1.000", 1000),
        ("1.000,5", 1000.5),
        ("1,000.5", 1000.5),
        (" 7 ", 7),
        ("", None),
    ],
)
def test_numbers_in_danish_and_english_notation(raw, value):
    parsed = parse_form(MultiDict({"value-a.hours": raw}), [NUMBER])
    assert parsed.errors == {}
    assert parsed.entries["a.hours"].value == value


@pytest.mark.parametrize("raw", ["abc", "nan", "inf", "1e5", "-3"])
def test_bad_numbers_are_errors(raw):
    parsed = parse_form(MultiDict({"value-a.hours": raw}), [NUMBER])
    assert "value" in parsed.errors["a.hours"]
    assert parsed.entries["a.hours"].raw_value == raw.strip()


def test_na_needs_justification():
    parsed = parse_form(MultiDict({"na-a.level": "1"}), [LEVEL])
    assert parsed.errors["a.level"] == {"justification": "answer.error.justification_needed"}


def test_multiple_choice_none_and_unticking():
    nothing = parse_form(MultiDict(), [CHOICES])
    assert nothing.entries["a.tools"].value is None
    none_of_these = parse_form(MultiDict([("value-a.tools", "__none__")]), [CHOICES])
    assert none_of_these.entries["a.tools"].value == []
    saved = {"a.tools": {"value": ["edr"], "na": False}}
    unticked = parse_form(MultiDict(), [CHOICES], saved)
    assert unticked.entries["a.tools"].value == []
    ticked = parse_form(MultiDict([("value-a.tools", "siem"), ("value-a.tools", "edr")]), [CHOICES])
    assert ticked.entries["a.tools"].value == ["edr", "siem"]


def test_only_changed_answers_are_sent():
    saved = {
        "a.level": {
            "question_key": "a.level",
            "value": 3,
            "na": False,
            "justification": None,
            "comment": "ok",
        }
    }
    same = parse_form(MultiDict({"value-a.level": "3", "comment-a.level": "ok "}), [LEVEL, NUMBER])
    assert changed_answers(same.entries, saved, None) == []
    changed = parse_form(
        MultiDict({"value-a.level": "4", "comment-a.level": "ok", "value-a.hours": "5"}),
        [LEVEL, NUMBER],
    )
    sent = changed_answers(changed.entries, saved, None)
    assert [a["question_key"] for a in sent] == ["a.level", "a.hours"]


def test_copied_draft_is_confirmed_by_saving():
    saved = {
        "a.level": {"value": 3, "na": False, "justification": None, "comment": None, "draft": True}
    }
    parsed = parse_form(MultiDict({"value-a.level": "3"}), [LEVEL])
    assert len(changed_answers(parsed.entries, saved, None)) == 1


def test_locate_error_maps_batch_index_to_question():
    sent = [{"question_key": "a.level"}, {"question_key": "a.hours"}]
    assert locate_error("answers[1].value", sent) == ("a.hours", "value")
    assert locate_error("answers.0.justification", sent) == ("a.level", "justification")
    assert locate_error("answers[7].value", sent) == (None, "value")
    assert locate_error(None, sent) == (None, "value")


def test_questions_for_scope_and_saved_entry():
    questionnaire = {"areas": [{"key": "a", "questions": [NUMBER, CHOICES, LEVEL]}]}
    assert [q["key"] for q in questions_for(questionnaire, "a", None)] == ["a.hours", "a.level"]
    assert [q["key"] for q in questions_for(questionnaire, "a", 5)] == ["a.tools"]
    assert entry_from_answer(None).value is None
    assert entry_from_answer({"value": 2, "na": False, "comment": "c"}).comment == "c"


TEXT = {"key": "a.notes", "type": "text", "scope": "municipality", "na_allowed": False}


@pytest.mark.parametrize(
    ("question", "raw", "part"),
    [
        (TEXT, {"value": "x" * MAX_TEXT}, None),
        (TEXT, {"value": "x" * (MAX_TEXT + 1)}, "value"),
        (TEXT, {"value": "ok", "comment": "x" * MAX_NOTE}, None),
        (TEXT, {"value": "ok", "comment": "x" * (MAX_NOTE + 1)}, "comment"),
        (TEXT, {"value": "ok", "justification": "x" * (MAX_NOTE + 1)}, "justification"),
        (NUMBER, {"value": MAX_NUMBER}, None),
        (NUMBER, {"value": MAX_NUMBER + 1}, "value"),
    ],
)
def test_the_form_and_survey_draw_the_same_lines(question, raw, part):
    """The shared limits: what the page lets through, survey accepts, and the other way round."""
    form = MultiDict(
        {
            f"{name}-{question['key']}": f"{value:.0f}" if isinstance(value, float) else value
            for name, value in raw.items()
        }
    )
    parsed = parse_form(form, [question])
    assert list(parsed.errors.get(question["key"], {})) == ([part] if part else [])
    if part is None:
        check_answer(question, raw, set(), "answers[0]")
    else:
        with pytest.raises(AnswerInvalid, match=rf"answers\[0\]\.{part}"):
            check_answer(question, raw, set(), "answers[0]")
