"""The questionnaire file as a whole: the shipped files, the normalised shape, the rules of the
file and its areas, and robustness; one question's rules are in ``test_question_format.py``,
strict YAML and translated texts in ``test_format_checks.py``."""

from __future__ import annotations

import contextlib
import copy
import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.common.questionnaire import compare_versions
from services.survey.frameworks import ISO_ANNEX_A
from services.survey.question_format import QUESTION_TYPES
from services.survey.questionnaire_format import (
    QuestionnaireError,
    load_questionnaire_file,
    parse_questionnaire,
    questionnaire_summary,
)
from tests.support.questionnaires import (
    assert_error,
    base_doc,
    dump,
    error_of,
    question,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "questionnaires"
AREA_KEYS = ["governance", "ownership", "risk", "awareness", "suppliers", "technical"]
SCORED_TYPES = {"maturity", "yes_partly_no", "single_choice", "multiple_choice"}


@pytest.fixture(scope="module")
def q2026() -> dict:
    return load_questionnaire_file(DATA / "2026.yaml")


@pytest.fixture(scope="module")
def q2025() -> dict:
    return load_questionnaire_file(DATA / "2025.yaml")


def all_questions(q: dict) -> list[dict]:
    return [question for area in q["areas"] for question in area["questions"]]


# --- the shipped files ---------------------------------------------------------------------


SHIPPED_YEARS = range(2021, 2027)


@pytest.mark.parametrize("year", SHIPPED_YEARS)
def test_every_shipped_file_imports_with_real_references(year):
    q = load_questionnaire_file(DATA / f"{year}.yaml")
    assert q["year"] == year
    privileged = next(x for x in all_questions(q) if x["key"] == "technical.privileged_access")
    assert "A.8.2" in privileged["references"]["iso27001"]
    assert "A.8.18" not in privileged["references"]["iso27001"]


@pytest.mark.parametrize("year", SHIPPED_YEARS)
def test_only_the_files_before_iso_and_nis2_say_their_mapping_came_afterwards(year):
    afterwards = load_questionnaire_file(DATA / f"{year}.yaml")["references_added_afterwards"]
    if year < 2023:
        assert afterwards["year"] == 2026
        assert "fandtes ikke" in afterwards["note"]["da"]
    else:
        assert afterwards is None


def test_2026_every_annex_a_control_is_referenced_or_declared_not_assessed(q2026):
    cited = {ref for q in all_questions(q2026) for ref in q["references"]["iso27001"]}
    declared = {control for group in q2026["not_assessed"] for control in group["controls"]}
    gap = [control for control in ISO_ANNEX_A if control not in cited | declared]
    assert gap == [], f"Annex A controls neither referenced nor declared not assessed: {gap}"
    assert all(group["reason"]["da"] for group in q2026["not_assessed"])


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
    assert risk[4]["references"] == {"iso27001": ["A.5.34"], "nis2": [], "cis": ["3.2", "14.1"]}
    assert all(question["area_key"] == "risk" for question in risk)


def test_normalised_dict_is_json_safe():
    q = parse_questionnaire(dump(base_doc()))
    assert json.loads(json.dumps(q)) == q


def test_texts_are_stripped():
    doc = base_doc()
    question(doc)["text"] = {"da": "  Hvad?\n", "en": "What?\n"}
    q = parse_questionnaire(dump(doc))
    assert q["areas"][2]["questions"][4]["text"] == {"da": "Hvad?", "en": "What?"}


def test_summary_counts_unit_questions():
    summary = questionnaire_summary(parse_questionnaire(dump(base_doc())))
    assert summary["areas"] == 3
    assert summary["questions"] == 8
    assert summary["unit_questions"] == 3


# --- one test per rule ---------------------------------------------------------------------


def test_unknown_top_level_field():
    doc = base_doc()
    doc["author"] = "KL"
    assert_error(error_of(doc), "author", "author: unknown field 'author'")


def test_unknown_area_field():
    doc = base_doc()
    doc["areas"][1]["colour"] = "blue"
    assert_error(error_of(doc), "areas[1].colour", "areas[1] (ownership).colour: unknown field")


@pytest.mark.parametrize("field", ["key", "year", "version", "acceptable_level", "title", "areas"])
def test_missing_required_top_level_field(field):
    doc = base_doc()
    del doc[field]
    assert_error(error_of(doc), field, "required field is missing")


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


def test_areas_must_not_be_empty():
    doc = base_doc()
    doc["areas"] = []
    assert_error(error_of(doc), "areas", "at least one area")


def test_area_questions_must_not_be_empty():
    doc = base_doc()
    doc["areas"][1]["questions"] = []
    assert_error(error_of(doc), "areas[1].questions", "at least one question")


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
