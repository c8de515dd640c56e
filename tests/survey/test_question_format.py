"""One question of the questionnaire file (``question_format``): one test per rule, each
damaging the base document's question and reading the error's path and words."""

from __future__ import annotations

import pytest

from services.survey.questionnaire_format import parse_questionnaire
from tests.support.questionnaires import (
    ASSESSMENT,
    ASSESSMENT_LABEL,
    assert_error,
    base_doc,
    dump,
    error_of,
    lang,
    levels,
    question,
)


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


def test_unknown_question_field():
    doc = base_doc()
    question(doc)["colour"] = "red"
    assert_error(
        error_of(doc), f"{ASSESSMENT}.colour", f"{ASSESSMENT_LABEL}.colour", "unknown field"
    )


def test_missing_required_question_field():
    doc = base_doc()
    del question(doc)["text"]
    assert_error(error_of(doc), f"{ASSESSMENT}.text", "required field is missing")


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


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("cis", "7.99"),
        ("cis", "5.0"),
        ("cis", "14"),
        ("iso27001", "A.5.01"),
        ("iso27001", "A.5.38"),
        ("nis2", "Art. 21(2)(k)"),
    ],
)
def test_the_importer_refuses_an_unknown_reference_naming_question_and_value(kind, value):
    doc = base_doc()
    question(doc)["references"][kind] = [value]
    assert_error(
        error_of(doc),
        f"{ASSESSMENT}.references.{kind}[0]",
        f"{ASSESSMENT_LABEL}.references.{kind}[0]: {value!r}",
    )


def test_clauses_and_nis2_paragraphs_can_be_cited():
    doc = base_doc()
    question(doc)["references"] = {"iso27001": ["6.1.2", "A.5.7"], "nis2": ["20(1)", "23(4)(a)"]}
    refs = parse_questionnaire(dump(doc))["areas"][2]["questions"][4]["references"]
    assert refs == {"iso27001": ["6.1.2", "A.5.7"], "nis2": ["20(1)", "23(4)(a)"], "cis": []}


def older(year: int) -> dict:
    doc = base_doc()
    doc["year"], doc["version"] = year, f"{year}.1"
    return doc


@pytest.mark.parametrize(("kind", "value"), [("iso27001", "A.5.1"), ("nis2", "21(2)(a)")])
def test_a_2022_questionnaire_cannot_cite_iso_27001_2022_or_nis2(kind, value):
    doc = older(2022)
    for area in doc["areas"]:
        for q in area["questions"]:
            q["references"] = {kind: [value]}
    assert_error(
        error_of(doc),
        "areas[0].questions[0].references." + kind + "[0]",
        f"(governance.policy).references.{kind}[0]: {value!r}",
        "from 2023 on",
        "references_added_afterwards",
    )


def test_a_2022_questionnaire_may_cite_cis_v8():
    doc = older(2022)
    for area in doc["areas"]:
        for q in area["questions"]:
            q["references"] = {"cis": ["1.1"]}
    assert parse_questionnaire(dump(doc))["references_added_afterwards"] is None


def test_a_mapping_added_afterwards_may_cite_what_exists_by_then():
    doc = older(2021)
    doc["references_added_afterwards"] = {"year": 2026, "note": lang("added in 2026")}
    parsed = parse_questionnaire(dump(doc))
    assert parsed["references_added_afterwards"] == {"year": 2026, "note": lang("added in 2026")}
    assert parsed["areas"][0]["questions"][0]["references"]["iso27001"] == ["A.5.1"]


def test_a_mapping_added_afterwards_in_2022_still_cannot_cite_iso_27001_2022():
    doc = older(2021)
    doc["references_added_afterwards"] = {"year": 2022, "note": lang("added in 2022")}
    assert_error(error_of(doc), "areas[0].questions[0].references.iso27001[0]", "from 2023 on")


@pytest.mark.parametrize(
    ("value", "path", "phrase"),
    [
        ({"year": 2021, "note": lang("x")}, "references_added_afterwards.year", "later year"),
        ({"year": 2019, "note": lang("x")}, "references_added_afterwards.year", "later year"),
        ({"year": "2026", "note": lang("x")}, "references_added_afterwards.year", "whole year"),
        ({"year": 2026}, "references_added_afterwards.note", "required field is missing"),
        ({"year": 2026, "note": {"da": "x"}}, "references_added_afterwards.note.en", "English"),
        (
            {"year": 2026, "note": lang("x"), "by": "me"},
            "references_added_afterwards.by",
            "unknown",
        ),
        (2026, "references_added_afterwards", "must be a mapping"),
    ],
)
def test_references_added_afterwards_is_checked(value, path, phrase):
    doc = older(2021)
    doc["references_added_afterwards"] = value
    assert_error(error_of(doc), path, phrase)


def test_not_assessed_controls_are_normalised_with_their_reason():
    doc = base_doc()
    doc["not_assessed"] = [{"controls": ["A.7.1", "A.7.2"], "reason": lang("physical")}]
    parsed = parse_questionnaire(dump(doc))
    assert parsed["not_assessed"] == [{"controls": ["A.7.1", "A.7.2"], "reason": lang("physical")}]
    assert parse_questionnaire(dump(base_doc()))["not_assessed"] == []


@pytest.mark.parametrize(
    ("groups", "path", "phrase"),
    [
        ([{"controls": ["A.5.38"], "reason": lang("x")}], "[0].controls[0]", "'A.5.38' is not"),
        ([{"controls": ["6.1.2"], "reason": lang("x")}], "[0].controls[0]", "Annex A control"),
        ([{"controls": [7.1], "reason": lang("x")}], "[0].controls[0]", "quoted text"),
        ([{"controls": [], "reason": lang("x")}], "[0].controls", "at least one"),
        ([{"controls": ["A.7.1"]}], "[0].reason", "required field is missing"),
        ([{"controls": ["A.7.1"], "reason": {"da": "x"}}], "[0].reason.en", "English"),
        (
            [
                {"controls": ["A.7.1"], "reason": lang("x")},
                {"controls": ["A.7.1"], "reason": lang("y")},
            ],
            "[1].controls[0]",
            "already declared at not_assessed[0].controls[0]",
        ),
        (
            [{"controls": ["A.7.2", "A.5.34"], "reason": lang("x")}],
            "[0].controls[1]",
            "cited by question risk.assessment",
        ),
        ("A.7.1", "", "must be a list"),
    ],
)
def test_not_assessed_is_checked(groups, path, phrase):
    doc = base_doc()
    doc["not_assessed"] = groups
    assert_error(error_of(doc), "not_assessed" + path, phrase)


def test_not_assessed_follows_the_year_rule():
    doc = older(2022)
    for area in doc["areas"]:
        for q in area["questions"]:
            q["references"] = {}
    doc["not_assessed"] = [{"controls": ["A.7.1"], "reason": lang("x")}]
    assert_error(error_of(doc), "not_assessed[0].controls[0]", "'A.7.1'", "from 2023 on")


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


def test_question_must_be_a_mapping():
    doc = base_doc()
    doc["areas"][2]["questions"][3] = "risk.downtime"
    assert_error(error_of(doc), "areas[2].questions[3]", "must be a mapping, not text")
