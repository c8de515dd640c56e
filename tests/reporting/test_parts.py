"""The parts both municipal reports share: an answer reads as it was given, the verdict is in
words at the acceptable level's edge, a unit's score counts only its own scored answer, and
only the municipality's action plan has a column naming units."""

from services.reporting import parts
from services.reporting.texts import Texts

DA = Texts("da")
MATURITY = {"key": "m1", "type": "maturity", "levels": {"2": {"da": "Delvist beskrevet"}}}


def test_an_answer_reads_as_it_was_given():
    choice = {
        "key": "c1",
        "type": "multiple_choice",
        "options": [{"key": "a", "label": {"da": "Backup"}}, {"key": "b", "label": {"da": "MFA"}}],
    }
    number = {"key": "n1", "type": "number", "unit_label": {"da": "medarbejdere"}}
    assert parts.answer_text(MATURITY, {"value": 2}, DA) == "2 – Delvist beskrevet"
    assert parts.answer_text(MATURITY, {"value": 2, "na": True}, DA) == "Ikke relevant"
    assert parts.answer_text({"type": "yes_partly_no"}, {"value": "partly"}, DA) == "Delvist"
    assert parts.answer_text(choice, {"value": ["b", "a"]}, DA) == "MFA; Backup"
    assert parts.answer_text(choice, {"value": []}, DA) == "Intet valgt"
    assert parts.answer_text(number, {"value": 1200.0}, DA) == "1.200 medarbejdere"


def test_the_verdict_is_in_words_and_the_acceptable_level_itself_is_acceptable():
    assert parts.verdict(3.0, 3.0, DA) == DA("verdict.ok_short")
    assert parts.verdict(2.99, 3.0, DA) == DA("verdict.below_short")
    assert parts.verdict(None, 3.0, DA) == DA("verdict.none_short")
    assert len({DA("verdict.ok_short"), DA("verdict.below_short")}) == 2


def test_a_unit_score_counts_only_that_units_scored_answer():
    answers = [
        {"question_key": "m1", "unit_id": 1, "value": 4},
        {"question_key": "m1", "unit_id": 2, "value": None, "na": True},
        {"question_key": "m1", "unit_id": None, "value": 1},
        {"question_key": "other", "unit_id": 3, "value": 5},
    ]
    assert parts.unit_scores({**MATURITY, "weight": 1}, answers) == {1: 4.0}


def test_only_the_municipality_plan_names_units_below_the_level():
    found = [{"question_key": "m1", "area_key": "a", "score": 2, "weight": 3, "gap": 1}]
    questions = {"m1": {**MATURITY, "text": {"da": "Er der en politik?"}}}
    municipal = parts.action_plan(DA, found, questions, {"a": "Ledelse"}, {"m1": "IT-drift"})
    unit = parts.action_plan(DA, found, questions, {"a": "Ledelse"})
    assert [c["key"] for c in municipal["columns"]].count("units") == 1
    assert "units" not in [c["key"] for c in unit["columns"]]
    assert municipal["rows"][0]["cells"]["urgency"] == 3
    assert municipal["rows"][0]["cells"]["units"] == "IT-drift"
