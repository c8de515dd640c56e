"""The shared questionnaire library: questions by key, the acceptable level, comparing years."""

from services.common.questionnaire import (
    ACCEPTABLE_LEVEL,
    acceptable_level,
    compare_versions,
    questions_by_key,
)
from services.survey.questionnaire_format import parse_questionnaire
from tests.support.questionnaires import SMALL_2026, base_doc, dump, lang, question


def test_questions_by_key_covers_every_area_in_order():
    questionnaire = parse_questionnaire(SMALL_2026)
    in_order = [q["key"] for area in questionnaire["areas"] for q in area["questions"]]
    found = questions_by_key(questionnaire)
    assert list(found) == in_order
    assert len({q["area_key"] for q in found.values()}) == len(questionnaire["areas"]) > 1
    assert all(found[key]["key"] == key for key in in_order)


def test_acceptable_level_is_the_questionnaires_own_or_three():
    assert acceptable_level({"acceptable_level": 2.5}) == 2.5
    assert acceptable_level({"acceptable_level": 4}) == 4.0
    assert acceptable_level({"acceptable_level": None}) == ACCEPTABLE_LEVEL == 3.0
    assert acceptable_level({}) == 3.0
    assert acceptable_level(None) == 3.0


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
