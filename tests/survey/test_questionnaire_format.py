"""The questionnaire format: the shipped files, the normalised shape and one test per rule."""

from __future__ import annotations

import contextlib
import copy
import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.survey.questionnaire_format import (
    QUESTION_TYPES,
    QuestionnaireError,
    compare_versions,
    load_questionnaire_file,
    parse_questionnaire,
    questionnaire_summary,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "questionnaires"
AREA_KEYS = ["governance", "ownership", "risk", "awareness", "suppliers", "technical"]
SCORED_TYPES = {"maturity", "yes_partly_no", "single_choice", "multiple_choice"}


def lang(text: str) -> dict:
    return {"da": f"{text} (da)", "en": f"{text} (en)"}


def levels() -> dict:
    return {level: lang(f"level {level}") for level in range(1, 6)}


def base_doc() -> dict:
    """A small valid questionnaire; risk (areas[2]) holds one question of every type."""
    return {
        "key": "informationssikkerhed",
        "year": 2026,
        "version": "2026.1",
        "acceptable_level": 3,
        "title": lang("title"),
        "description": lang("description"),
        "areas": [
            {
                "key": "governance",
                "title": lang("governance"),
                "questions": [
                    {
                        "key": "governance.policy",
                        "type": "maturity",
                        "scope": "municipality",
                        "weight": 2,
                        "text": lang("policy"),
                        "help": lang("why"),
                        "levels": levels(),
                        "references": {"iso27001": ["A.5.1"], "nis2": ["21(2)(a)"]},
                        "recommendation": lang("write one"),
                    }
                ],
            },
            {
                "key": "ownership",
                "title": lang("ownership"),
                "questions": [
                    {
                        "key": "ownership.inventory",
                        "type": "yes_partly_no",
                        "scope": "unit",
                        "text": lang("inventory"),
                        "recommendation": lang("make one"),
                    }
                ],
            },
            {
                "key": "risk",
                "title": lang("risk"),
                "description": lang("risk description"),
                "questions": [
                    {
                        "key": "risk.acceptance",
                        "type": "yes_partly_no",
                        "scope": "municipality",
                        "text": lang("acceptance"),
                        "recommendation": lang("decide"),
                    },
                    {
                        "key": "risk.reporting",
                        "type": "single_choice",
                        "scope": "municipality",
                        "text": lang("reporting"),
                        "options": [
                            {"key": "never", "label": lang("never"), "score": 1},
                            {"key": "yearly", "label": lang("yearly"), "score": 3},
                            {"key": "quarterly", "label": lang("quarterly"), "score": 5},
                        ],
                        "recommendation": lang("report"),
                    },
                    {
                        "key": "risk.sources",
                        "type": "multiple_choice",
                        "scope": "municipality",
                        "text": lang("sources"),
                        "options": [
                            {"key": "cert", "label": lang("cert"), "points": 2},
                            {"key": "network", "label": lang("network"), "points": 1.5},
                            {"key": "news", "label": lang("news"), "points": 0},
                        ],
                        "recommendation": lang("subscribe"),
                    },
                    {
                        "key": "risk.downtime",
                        "type": "number",
                        "scope": "unit",
                        "text": lang("downtime"),
                        "unit_label": {"da": "timer", "en": "hours"},
                        "bands": [{"min": 0, "score": 5}, {"min": 24, "score": 3}],
                        "recommendation": lang("test"),
                    },
                    {
                        "key": "risk.assessment",
                        "type": "maturity",
                        "scope": "unit",
                        "weight": 3,
                        "na_allowed": True,
                        "text": lang("assessment"),
                        "levels": levels(),
                        "references": {"iso27001": ["A.5.34"], "cis": ["3.2", "14"]},
                        "recommendation": lang("assess"),
                    },
                    {
                        "key": "risk.notes",
                        "type": "text",
                        "scope": "municipality",
                        "text": lang("notes"),
                    },
                ],
            },
        ],
    }


def dump(doc: dict) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def error_of(doc: dict | str) -> QuestionnaireError:
    text = doc if isinstance(doc, str) else dump(doc)
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(text)
    return caught.value


def question(doc: dict, area: int = 2, index: int = 4) -> dict:
    return doc["areas"][area]["questions"][index]


ASSESSMENT = "areas[2].questions[4]"
ASSESSMENT_LABEL = "areas[2].questions[4] (risk.assessment)"


@pytest.fixture(scope="module")
def q2026() -> dict:
    return load_questionnaire_file(DATA / "2026.yaml")


@pytest.fixture(scope="module")
def q2025() -> dict:
    return load_questionnaire_file(DATA / "2025.yaml")


def all_questions(q: dict) -> list[dict]:
    return [question for area in q["areas"] for question in area["questions"]]


# --- the shipped files ---------------------------------------------------------------------


def test_2026_header(q2026):
    assert q2026["key"] == "informationssikkerhed"
    assert q2026["year"] == 2026
    assert q2026["version"] == "2026.1"
    assert q2026["acceptable_level"] == 3
    assert q2026["title"]["da"] and q2026["title"]["en"]


def test_2026_has_the_six_areas_in_order(q2026):
    assert [area["key"] for area in q2026["areas"]] == AREA_KEYS


def test_2026_size(q2026):
    questions = all_questions(q2026)
    assert 48 <= len(questions) <= 60
    assert all(len(area["questions"]) >= 7 for area in q2026["areas"])


def test_2026_unit_scope_share(q2026):
    questions = all_questions(q2026)
    unit = [q for q in questions if q["scope"] == "unit"]
    assert len(unit) / len(questions) >= 0.35
    assert {q["area_key"] for q in unit} >= {"ownership", "risk", "suppliers", "technical"}


def test_2026_uses_every_type_at_least_twice_and_maturity_most(q2026):
    types = Counter(q["type"] for q in all_questions(q2026))
    assert set(types) == set(QUESTION_TYPES)
    assert min(types.values()) >= 2
    assert types.most_common(1)[0][0] == "maturity"


def test_2026_every_question_is_complete(q2026):
    for q in all_questions(q2026):
        assert 1 <= q["weight"] <= 3, q["key"]
        assert q["help"] is not None, q["key"]
        assert any(q["references"].values()), q["key"]
        scored = q["type"] in SCORED_TYPES or q["bands"] is not None
        assert (q["recommendation"] is not None) == scored or q["type"] == "number", q["key"]
        if q["type"] == "maturity":
            assert list(q["levels"]) == ["1", "2", "3", "4", "5"]
            assert len({level["da"] for level in q["levels"].values()}) == 5, q["key"]


def test_2026_text_questions_are_unscored(q2026):
    texts = [q for q in all_questions(q2026) if q["type"] == "text"]
    assert len(texts) >= 2
    assert all(q["recommendation"] is None for q in texts)


def test_2026_number_questions_have_scoring_bands(q2026):
    numbers = [q for q in all_questions(q2026) if q["type"] == "number"]
    assert sum(1 for q in numbers if q["bands"]) >= 2
    assert all(q["unit_label"] is not None for q in numbers)


def test_2026_some_questions_allow_na(q2026):
    assert any(q["na_allowed"] for q in all_questions(q2026))


def test_2025_is_the_same_family_with_the_same_areas(q2025, q2026):
    assert q2025["key"] == q2026["key"]
    assert q2025["year"] == 2025 and q2025["version"] == "2025.1"
    assert [area["key"] for area in q2025["areas"]] == AREA_KEYS


def test_2025_to_2026_differences(q2025, q2026):
    diff = compare_versions(q2025, q2026)
    assert len(diff["added"]) >= 5
    assert len(diff["removed"]) >= 3
    assert len(diff["reworded"]) >= 4
    shared = set(q["key"] for q in all_questions(q2025)) & set(
        q["key"] for q in all_questions(q2026)
    )
    assert len(shared) >= 0.8 * len(all_questions(q2026))
    assert [area["key"] for area in diff["areas"]] == AREA_KEYS
    assert all(0.5 <= area["share"] < 1 for area in diff["areas"])


def test_summary_of_2026(q2026):
    summary = questionnaire_summary(q2026)
    questions = all_questions(q2026)
    assert summary == {
        "key": "informationssikkerhed",
        "year": 2026,
        "version": "2026.1",
        "title": q2026["title"],
        "areas": 6,
        "questions": len(questions),
        "unit_questions": sum(1 for q in questions if q["scope"] == "unit"),
    }


# --- the normalised shape ------------------------------------------------------------------


def test_normalised_question_has_every_key():
    q = parse_questionnaire(dump(base_doc()))
    notes = q["areas"][2]["questions"][5]
    assert notes == {
        "key": "risk.notes",
        "area_key": "risk",
        "type": "text",
        "scope": "municipality",
        "weight": 1.0,
        "text": {"da": "notes (da)", "en": "notes (en)"},
        "help": None,
        "na_allowed": False,
        "levels": None,
        "options": None,
        "bands": None,
        "unit_label": None,
        "references": {"iso27001": [], "nis2": [], "cis": []},
        "recommendation": None,
    }


def test_normalised_types_and_defaults():
    q = parse_questionnaire(dump(base_doc()))
    assert q["acceptable_level"] == 3.0
    assert q["areas"][0]["description"] is None
    risk = q["areas"][2]["questions"]
    assert risk[4]["weight"] == 3.0 and isinstance(risk[4]["weight"], float)
    assert list(risk[4]["levels"]) == ["1", "2", "3", "4", "5"]
    assert risk[4]["levels"]["3"] == {"da": "level 3 (da)", "en": "level 3 (en)"}
    assert risk[1]["options"][2] == {
        "key": "quarterly",
        "label": {"da": "quarterly (da)", "en": "quarterly (en)"},
        "score": 5,
    }
    assert [o["points"] for o in risk[2]["options"]] == [2.0, 1.5, 0.0]
    assert risk[3]["bands"] == [{"min": 0.0, "score": 5}, {"min": 24.0, "score": 3}]
    assert risk[3]["unit_label"] == {"da": "timer", "en": "hours"}
    assert risk[4]["references"] == {"iso27001": ["A.5.34"], "nis2": [], "cis": ["3.2", "14"]}
    assert all(question["area_key"] == "risk" for question in risk)


def test_normalised_dict_is_json_safe():
    q = parse_questionnaire(dump(base_doc()))
    assert json.loads(json.dumps(q)) == q


def test_texts_are_stripped():
    doc = base_doc()
    question(doc)["text"] = {"da": "  Hvad?\n", "en": "What?\n"}
    q = parse_questionnaire(dump(doc))
    assert q["areas"][2]["questions"][4]["text"] == {"da": "Hvad?", "en": "What?"}


def test_level_keys_may_be_quoted_strings():
    doc = base_doc()
    question(doc)["levels"] = {str(level): text for level, text in levels().items()}
    q = parse_questionnaire(dump(doc))
    assert list(q["areas"][2]["questions"][4]["levels"]) == ["1", "2", "3", "4", "5"]


def test_number_without_bands_is_unscored_and_needs_no_recommendation():
    doc = base_doc()
    del question(doc, index=3)["bands"]
    del question(doc, index=3)["recommendation"]
    q = parse_questionnaire(dump(doc))
    assert q["areas"][2]["questions"][3]["bands"] is None
    assert q["areas"][2]["questions"][3]["recommendation"] is None


def test_summary_counts_unit_questions():
    summary = questionnaire_summary(parse_questionnaire(dump(base_doc())))
    assert summary["areas"] == 3
    assert summary["questions"] == 8
    assert summary["unit_questions"] == 3


# --- compare_versions ----------------------------------------------------------------------


def test_compare_versions_on_small_files():
    old_doc = base_doc()
    old_doc["year"], old_doc["version"] = 2025, "2025.2"
    new_doc = base_doc()
    new_questions = new_doc["areas"][2]["questions"]
    new_questions[0]["text"] = {"da": "Ny formulering", "en": "acceptance (en)"}
    new_questions[1]["text"] = {"da": "reporting (da)", "en": "Only English changed"}
    new_questions[2]["scope"] = "unit"
    del new_questions[5]
    new_questions.append(
        {"key": "risk.extra", "type": "text", "scope": "unit", "text": lang("extra")}
    )
    new_doc["areas"][1]["questions"][0] = {**new_doc["areas"][1]["questions"][0]}
    new_doc["areas"][0]["questions"][0]["type"] = "yes_partly_no"
    del new_doc["areas"][0]["questions"][0]["levels"]

    diff = compare_versions(parse_questionnaire(dump(old_doc)), parse_questionnaire(dump(new_doc)))
    assert diff["old"] == {"year": 2025, "version": "2025.2"}
    assert diff["new"] == {"year": 2026, "version": "2026.1"}
    assert diff["added"] == ["risk.extra"]
    assert diff["removed"] == ["risk.notes"]
    assert diff["reworded"] == ["risk.acceptance"]
    assert diff["retyped"] == ["governance.policy"]
    assert diff["rescoped"] == ["risk.sources"]
    risk = next(area for area in diff["areas"] if area["key"] == "risk")
    assert risk == {
        "key": "risk",
        "old_questions": 6,
        "new_questions": 6,
        "shared": 5,
        "share": round(5 / 7, 4),
    }


def test_compare_versions_ignores_whitespace_only_changes():
    old = parse_questionnaire(dump(base_doc()))
    doc = base_doc()
    question(doc)["text"]["da"] = "assessment\n  (da)"
    diff = compare_versions(old, parse_questionnaire(dump(doc)))
    assert diff["reworded"] == []


def test_compare_versions_lists_areas_of_both_years():
    old_doc = base_doc()
    new_doc = base_doc()
    new_doc["areas"][1] = {
        "key": "awareness",
        "title": lang("awareness"),
        "questions": [
            {
                "key": "awareness.training",
                "type": "text",
                "scope": "unit",
                "text": lang("training"),
            }
        ],
    }
    diff = compare_versions(parse_questionnaire(dump(old_doc)), parse_questionnaire(dump(new_doc)))
    shares = {area["key"]: area["share"] for area in diff["areas"]}
    assert shares == {"governance": 1.0, "awareness": 0.0, "risk": 1.0, "ownership": 0.0}
    assert diff["added"] == ["awareness.training"]
    assert diff["removed"] == ["ownership.inventory"]


# --- one test per rule ---------------------------------------------------------------------


def assert_error(error: QuestionnaireError, path: str, *phrases: str) -> None:
    assert error.path == path
    message = str(error)
    for phrase in phrases:
        assert phrase in message, message


def test_error_is_a_value_error_with_path_and_problem():
    doc = base_doc()
    question(doc)["colour"] = "red"
    error = error_of(doc)
    assert isinstance(error, ValueError)
    assert error.problem.startswith("unknown field 'colour'")
    assert str(error) == f"{ASSESSMENT_LABEL}.colour: {error.problem}"


def test_error_args_are_json_safe_path_and_problem():
    doc = base_doc()
    question(doc)["colour"] = "red"
    error = error_of(doc)
    assert error.args == (f"{ASSESSMENT}.colour", error.problem)
    assert json.loads(json.dumps(error.args)) == list(error.args)


def test_unknown_question_field():
    doc = base_doc()
    question(doc)["colour"] = "red"
    assert_error(
        error_of(doc), f"{ASSESSMENT}.colour", f"{ASSESSMENT_LABEL}.colour", "unknown field"
    )


def test_unknown_top_level_field():
    doc = base_doc()
    doc["author"] = "KL"
    assert_error(error_of(doc), "author", "author: unknown field 'author'")


def test_unknown_area_field():
    doc = base_doc()
    doc["areas"][1]["colour"] = "blue"
    assert_error(error_of(doc), "areas[1].colour", "areas[1] (ownership).colour: unknown field")


def test_missing_required_question_field():
    doc = base_doc()
    del question(doc)["text"]
    assert_error(error_of(doc), f"{ASSESSMENT}.text", "required field is missing")


@pytest.mark.parametrize("field", ["key", "year", "version", "acceptable_level", "title", "areas"])
def test_missing_required_top_level_field(field):
    doc = base_doc()
    del doc[field]
    assert_error(error_of(doc), field, "required field is missing")


def test_duplicate_question_key():
    doc = base_doc()
    question(doc, index=2)["key"] = "risk.acceptance"
    assert_error(
        error_of(doc),
        "areas[2].questions[2].key",
        "duplicate question key 'risk.acceptance'",
        "first used at areas[2].questions[0]",
    )


def test_question_key_must_start_with_its_area():
    doc = base_doc()
    question(doc)["key"] = "governance.assessment"
    assert_error(error_of(doc), f"{ASSESSMENT}.key", "'governance.assessment' does not match")


@pytest.mark.parametrize("key", ["risk", "risk.", "Risk.assessment", "risk.Assessment", "risk.a-b"])
def test_question_key_pattern(key):
    doc = base_doc()
    question(doc)["key"] = key
    assert_error(error_of(doc), f"{ASSESSMENT}.key", "does not match")


def test_question_key_must_be_text():
    doc = base_doc()
    question(doc)["key"] = 17
    assert_error(error_of(doc), f"{ASSESSMENT}.key", "must be text")


@pytest.mark.parametrize("key", ["Governance", "1governance", "gov-ernance", ""])
def test_area_key_pattern(key):
    doc = base_doc()
    doc["areas"][0]["key"] = key
    assert_error(error_of(doc), "areas[0].key", "does not match")


def test_duplicate_area_key():
    doc = base_doc()
    doc["areas"][1]["key"] = "governance"
    doc["areas"][1]["questions"][0]["key"] = "governance.inventory"
    assert_error(
        error_of(doc), "areas[1].key", "duplicate area key 'governance'", "first used at areas[0]"
    )


def test_questionnaire_key_pattern():
    doc = base_doc()
    doc["key"] = "Informations Sikkerhed"
    assert_error(error_of(doc), "key", "does not match")


def test_maturity_with_level_7():
    doc = base_doc()
    question(doc)["levels"][7] = lang("beyond")
    assert_error(
        error_of(doc),
        f"{ASSESSMENT}.levels",
        f"{ASSESSMENT_LABEL}.levels: a maturity question needs levels 1 to 5",
        "unexpected 7",
    )


def test_maturity_with_a_superscript_level_is_an_error_not_a_crash():
    doc = base_doc()
    question(doc)["levels"]["²"] = lang("superscript")
    assert_error(error_of(doc), f"{ASSESSMENT}.levels", "unexpected ²")


def test_maturity_with_a_missing_level():
    doc = base_doc()
    del question(doc)["levels"][3]
    assert_error(error_of(doc), f"{ASSESSMENT}.levels", "needs levels 1 to 5", "missing 3")


def test_maturity_with_level_0_instead_of_5():
    doc = base_doc()
    del question(doc)["levels"][5]
    question(doc)["levels"][0] = lang("zero")
    assert_error(error_of(doc), f"{ASSESSMENT}.levels", "missing 5; unexpected 0")


def test_maturity_without_levels():
    doc = base_doc()
    del question(doc)["levels"]
    assert_error(error_of(doc), f"{ASSESSMENT}.levels", "needs levels 1 to 5")


def test_maturity_level_without_english():
    doc = base_doc()
    del question(doc)["levels"][2]["en"]
    assert_error(error_of(doc), f"{ASSESSMENT}.levels.2.en", "English translation is missing")


def test_levels_must_be_a_mapping():
    doc = base_doc()
    question(doc)["levels"] = ["a", "b", "c", "d", "e"]
    assert_error(error_of(doc), f"{ASSESSMENT}.levels", "must be a mapping")


def test_single_choice_score_6():
    doc = base_doc()
    question(doc, index=1)["options"][0]["score"] = 6
    assert_error(
        error_of(doc),
        "areas[2].questions[1].options[0].score",
        "areas[2].questions[1] (risk.reporting).options[0].score",
        "whole number from 1 to 5",
    )


@pytest.mark.parametrize("score", [0, 2.5, "5", True, None])
def test_single_choice_score_must_be_1_to_5(score):
    doc = base_doc()
    question(doc, index=1)["options"][1]["score"] = score
    assert_error(error_of(doc), "areas[2].questions[1].options[1].score", "from 1 to 5")


def test_single_choice_option_with_points_instead_of_score():
    doc = base_doc()
    option = question(doc, index=1)["options"][0]
    option["points"] = option.pop("score")
    assert_error(error_of(doc), "areas[2].questions[1].options[0].points", "unknown field")


def test_choice_needs_at_least_two_options():
    doc = base_doc()
    question(doc, index=1)["options"] = question(doc, index=1)["options"][:1]
    assert_error(error_of(doc), "areas[2].questions[1].options", "at least 2 options")


def test_choice_without_options():
    doc = base_doc()
    del question(doc, index=2)["options"]
    assert_error(error_of(doc), "areas[2].questions[2].options", "needs options")


def test_duplicate_option_key():
    doc = base_doc()
    question(doc, index=1)["options"][2]["key"] = "never"
    assert_error(
        error_of(doc),
        "areas[2].questions[1].options[2].key",
        "duplicate option key 'never'",
        "first used at areas[2].questions[1].options[0]",
    )


def test_option_key_read_as_boolean_by_yaml():
    text = dump(base_doc()).replace("key: never", "key: no")
    assert_error(error_of(text), "areas[2].questions[1].options[0].key", "must be text", "quote it")


def test_option_label_needs_both_languages():
    doc = base_doc()
    question(doc, index=2)["options"][1]["label"] = {"da": "netværk"}
    assert_error(error_of(doc), "areas[2].questions[2].options[1].label.en", "English translation")


def test_multiple_choice_points_summing_to_0():
    doc = base_doc()
    for option in question(doc, index=2)["options"]:
        option["points"] = 0
    assert_error(
        error_of(doc),
        "areas[2].questions[2].options",
        "areas[2].questions[2] (risk.sources).options",
        "sum to 0",
    )


def test_multiple_choice_negative_points():
    doc = base_doc()
    question(doc, index=2)["options"][0]["points"] = -1
    assert_error(error_of(doc), "areas[2].questions[2].options[0].points", ">= 0")


def test_na_allowed_of_wrong_type():
    doc = base_doc()
    question(doc)["na_allowed"] = "sometimes"
    assert_error(
        error_of(doc),
        f"{ASSESSMENT}.na_allowed",
        f"{ASSESSMENT_LABEL}.na_allowed: must be true or false",
    )


def test_na_allowed_as_number():
    doc = base_doc()
    question(doc)["na_allowed"] = 1
    assert_error(error_of(doc), f"{ASSESSMENT}.na_allowed", "must be true or false")


def test_missing_english_translation():
    doc = base_doc()
    del question(doc)["text"]["en"]
    assert_error(
        error_of(doc),
        f"{ASSESSMENT}.text.en",
        f"{ASSESSMENT_LABEL}.text.en: the English translation is missing",
    )


def test_empty_danish_translation():
    doc = base_doc()
    question(doc)["help"] = {"da": "   ", "en": "Why"}
    assert_error(error_of(doc), f"{ASSESSMENT}.help.da", "Danish translation must be non-empty")


def test_unknown_language():
    doc = base_doc()
    doc["title"]["de"] = "Titel"
    assert_error(error_of(doc), "title.de", "unknown language 'de'")


def test_translated_text_must_be_a_mapping():
    doc = base_doc()
    question(doc)["recommendation"] = "Gør noget"
    assert_error(error_of(doc), f"{ASSESSMENT}.recommendation", "must be a mapping")


@pytest.mark.parametrize(
    ("kind", "ref", "phrase"),
    [
        ("iso27001", "A.9.2", "not an ISO/IEC 27001:2022 Annex A control"),
        ("iso27001", "5.15", "not an ISO/IEC 27001:2022 Annex A control"),
        ("iso27001", "A.5.38", "runs from A.5.1 to A.5.37"),
        ("iso27001", "A.6.9", "runs from A.6.1 to A.6.8"),
        ("iso27001", "A.7.0", "runs from A.7.1 to A.7.14"),
        ("iso27001", "A.8.35", "runs from A.8.1 to A.8.34"),
        ("nis2", "21(2)(k)", "not a NIS2 article 21(2) measure"),
        ("nis2", "21.2.a", "not a NIS2 article 21(2) measure"),
        ("cis", "14.x", "not a CIS Controls v8"),
        ("cis", "19.1", "controls 1 to 18"),
    ],
)
def test_bad_reference(kind, ref, phrase):
    doc = base_doc()
    question(doc)["references"] = {kind: [ref]}
    assert_error(error_of(doc), f"{ASSESSMENT}.references.{kind}[0]", phrase)


def test_bad_iso_reference_names_the_path():
    doc = base_doc()
    question(doc)["references"]["iso27001"] = ["A.5.34", "A.9.2"]
    assert_error(
        error_of(doc),
        f"{ASSESSMENT}.references.iso27001[1]",
        f"{ASSESSMENT_LABEL}.references.iso27001[1]: 'A.9.2'",
    )


def test_unquoted_cis_reference_is_rejected():
    doc = base_doc()
    question(doc)["references"]["cis"] = [14.1]
    assert_error(error_of(doc), f"{ASSESSMENT}.references.cis[0]", "quoted text")


def test_unknown_reference_kind():
    doc = base_doc()
    question(doc)["references"]["nist"] = ["PR.AC-1"]
    assert_error(error_of(doc), f"{ASSESSMENT}.references.nist", "unknown reference kind")


def test_references_must_be_lists():
    doc = base_doc()
    question(doc)["references"]["iso27001"] = "A.5.1"
    assert_error(error_of(doc), f"{ASSESSMENT}.references.iso27001", "must be a list")


def test_duplicate_reference():
    doc = base_doc()
    question(doc)["references"]["cis"] = ["3.2", "3.2"]
    assert_error(error_of(doc), f"{ASSESSMENT}.references.cis[1]", "duplicate reference")


def test_yaml_syntax_error_names_the_line():
    text = dump(base_doc())
    lines = text.splitlines()
    broken_line = next(i for i, line in enumerate(lines) if "risk.reporting" in line)
    lines[broken_line] = lines[broken_line] + ": [unclosed"
    error = error_of("\n".join(lines))
    assert error.line is not None
    assert abs(error.line - (broken_line + 1)) <= 2
    assert f"YAML syntax error at line {error.line}" in str(error)
    assert error.path == ""


def test_yaml_syntax_error_small_file():
    error = error_of("key: informationssikkerhed\nyear: 2026\n  version: '2026.1'\n")
    assert error.line == 3
    assert "line 3" in str(error)


def test_duplicate_yaml_key_is_not_silently_dropped():
    original = dump(base_doc())
    text = re.sub(r"(?m)^( +)type: yes_partly_no\n", r"\g<0>\1type: maturity\n", original, count=1)
    assert text != original
    error = error_of(text)
    assert "duplicate key 'type'" in str(error)
    assert error.line is not None


def test_empty_file():
    assert "empty" in str(error_of(""))


def test_top_level_must_be_a_mapping():
    assert_error(error_of("- a\n- b\n"), "", "must be a mapping, not a list")


@pytest.mark.parametrize("year", [1999, 2101, "2026", 2026.0, True])
def test_year_must_be_an_int_between_2000_and_2100(year):
    doc = base_doc()
    doc["year"] = year
    assert_error(error_of(doc), "year", "year")


def test_unquoted_version_is_a_number():
    text = dump(base_doc()).replace("version: '2026.1'", "version: 2026.1")
    assert_error(error_of(text), "version", 'must be a quoted string such as "2026.1"')


@pytest.mark.parametrize("version", ["2025.1", "v2026.1", "2026", "2026.", "20261"])
def test_version_must_start_with_the_year(version):
    doc = base_doc()
    doc["version"] = version
    assert_error(error_of(doc), "version", "must start with the year 2026")


@pytest.mark.parametrize("level", [0, 6, "3", None, True])
def test_acceptable_level_1_to_5(level):
    doc = base_doc()
    doc["acceptable_level"] = level
    assert_error(error_of(doc), "acceptable_level", "from 1 to 5")


@pytest.mark.parametrize("weight", [0, -1, "heavy", True, None, float("nan")])
def test_weight_must_be_a_positive_number(weight):
    doc = base_doc()
    question(doc)["weight"] = weight
    assert_error(error_of(doc), f"{ASSESSMENT}.weight", "greater than 0")


def test_unknown_question_type():
    doc = base_doc()
    question(doc)["type"] = "likert"
    assert_error(error_of(doc), f"{ASSESSMENT}.type", "unknown question type 'likert'")


def test_unknown_scope():
    doc = base_doc()
    question(doc)["scope"] = "department"
    assert_error(error_of(doc), f"{ASSESSMENT}.scope", "scope must be one of municipality, unit")


@pytest.mark.parametrize(
    ("index", "field", "value", "phrase"),
    [
        (0, "levels", levels(), "only maturity questions have levels; this one is yes_partly_no"),
        (4, "options", [], "only single_choice and multiple_choice questions have options"),
        (1, "bands", [{"min": 0, "score": 1}], "only number questions have bands"),
        (5, "unit_label", lang("hours"), "only number questions have unit_label"),
    ],
)
def test_type_specific_field_on_the_wrong_type(index, field, value, phrase):
    doc = base_doc()
    question(doc, index=index)[field] = value
    assert_error(error_of(doc), f"areas[2].questions[{index}].{field}", phrase)


def test_bands_must_be_sorted_by_min():
    doc = base_doc()
    question(doc, index=3)["bands"] = [
        {"min": 0, "score": 1},
        {"min": 50, "score": 3},
        {"min": 40, "score": 5},
    ]
    assert_error(
        error_of(doc),
        "areas[2].questions[3].bands[2].min",
        "sorted by min ascending",
    )


def test_bands_must_not_repeat_a_min():
    doc = base_doc()
    question(doc, index=3)["bands"] = [{"min": 0, "score": 1}, {"min": 0, "score": 3}]
    assert_error(error_of(doc), "areas[2].questions[3].bands[1].min", "sorted by min ascending")


@pytest.mark.parametrize("score", [0, 6, 2.5, "3"])
def test_band_score_must_be_1_to_5(score):
    doc = base_doc()
    question(doc, index=3)["bands"][1]["score"] = score
    assert_error(error_of(doc), "areas[2].questions[3].bands[1].score", "from 1 to 5")


def test_first_band_starts_at_0():
    doc = base_doc()
    question(doc, index=3)["bands"][0]["min"] = 5
    assert_error(error_of(doc), "areas[2].questions[3].bands[0].min", "must start at min 0")


def test_band_min_must_not_be_negative():
    doc = base_doc()
    question(doc, index=3)["bands"][0]["min"] = -1
    assert_error(error_of(doc), "areas[2].questions[3].bands[0].min", ">= 0")


def test_bands_need_two_steps():
    doc = base_doc()
    question(doc, index=3)["bands"] = [{"min": 0, "score": 3}]
    assert_error(error_of(doc), "areas[2].questions[3].bands", "at least 2 steps")


def test_unknown_band_field():
    doc = base_doc()
    question(doc, index=3)["bands"][0]["max"] = 10
    assert_error(error_of(doc), "areas[2].questions[3].bands[0].max", "unknown field 'max'")


@pytest.mark.parametrize("index", [0, 1, 2, 3, 4])
def test_scored_questions_need_a_recommendation(index):
    doc = base_doc()
    del question(doc, index=index)["recommendation"]
    assert_error(
        error_of(doc), f"areas[2].questions[{index}].recommendation", "needs a recommendation"
    )


def test_areas_must_not_be_empty():
    doc = base_doc()
    doc["areas"] = []
    assert_error(error_of(doc), "areas", "at least one area")


def test_area_questions_must_not_be_empty():
    doc = base_doc()
    doc["areas"][1]["questions"] = []
    assert_error(error_of(doc), "areas[1].questions", "at least one question")


def test_question_must_be_a_mapping():
    doc = base_doc()
    doc["areas"][2]["questions"][3] = "risk.downtime"
    assert_error(error_of(doc), "areas[2].questions[3]", "must be a mapping, not text")


def test_load_questionnaire_file_rejects_non_utf8(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(dump(base_doc()).replace("(da)", "(dansk æøå)").encode("latin-1"))
    error = error_of_file(path)
    assert "not UTF-8" in str(error)


def error_of_file(path: Path) -> QuestionnaireError:
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire_file(path)
    return caught.value


# --- robustness: any damage gives a QuestionnaireError, never a crash ----------------------

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-10, max_value=10),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
QUESTION_FIELDS = [
    "key",
    "type",
    "scope",
    "weight",
    "text",
    "help",
    "na_allowed",
    "levels",
    "options",
    "bands",
    "unit_label",
    "references",
    "recommendation",
]


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    index=st.integers(min_value=0, max_value=5),
    field=st.sampled_from(QUESTION_FIELDS),
    value=JUNK,
)
def test_damaged_question_gives_questionnaire_error_or_parses(index, field, value):
    doc = copy.deepcopy(BASE)
    question(doc, index=index)[field] = value
    try:
        parse_questionnaire(dump(doc))
    except QuestionnaireError as error:
        assert error.path.startswith(f"areas[2].questions[{index}]")


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_arbitrary_text_never_crashes(text):
    with contextlib.suppress(QuestionnaireError):
        parse_questionnaire(text)


BASE = base_doc()
