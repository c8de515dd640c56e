"""History across questionnaire versions: matched by key, each step marked with its share."""

from __future__ import annotations

import pytest

from services.common.config import DATA_DIR
from services.common.questionnaire import compare_versions
from services.scoring.history import build_history, comparison
from services.scoring.rules import compute_scores, question_scores
from services.survey.questionnaire_format import load_questionnaire_file

UNITS = [1, 2]


def questionnaire(year: int) -> dict:
    return load_questionnaire_file(DATA_DIR / "questionnaires" / f"{year}.yaml")


def answers_at(definition: dict, level: int) -> list[dict]:
    found = []
    for area in definition["areas"]:
        for question in area["questions"]:
            if question["type"] != "maturity":
                continue
            targets = [None] if question["scope"] == "municipality" else UNITS
            found += [
                {
                    "question_key": question["key"],
                    "unit_id": u,
                    "value": level,
                    "na": False,
                    "revision": 1,
                }
                for u in targets
            ]
    return found


def entry(year: int, level: int) -> dict:
    definition = questionnaire(year)
    answers = answers_at(definition, level)
    result = compute_scores(definition, UNITS, answers)
    result["questions"] = question_scores(definition, UNITS, answers)
    return {"year": year, "questionnaire": definition, "result": result}


def test_history_across_three_questionnaire_versions():
    history = build_history([entry(2025, 3), entry(2021, 1), entry(2024, 2)])
    assert history["years"] == [2021, 2024, 2025]
    overall = {p["year"]: p for p in history["overall"]}
    assert overall[2021]["score"] == pytest.approx(1.0)
    assert overall[2025]["score"] == pytest.approx(3.0)
    assert overall[2021]["comparable_share"] is None
    steps = {(c["from_year"], c["to_year"]): c for c in history["comparisons"]}
    assert set(steps) == {(2021, 2024), (2024, 2025)}
    expected = compare_versions(questionnaire(2024), questionnaire(2025))
    technical = next(a for a in history["areas"] if a["key"] == "technical")
    point = next(p for p in technical["points"] if p["year"] == 2025)
    assert point["comparable_share"] == next(
        a["share"] for a in expected["areas"] if a["key"] == "technical"
    )
    assert point["comparable_share"] < 1


def test_questions_are_matched_by_key_and_absences_are_marked():
    history = build_history([entry(2021, 2), entry(2025, 4)])
    questions = {q["key"]: q for q in history["questions"]}
    policy = {p["year"]: p for p in questions["governance.policy"]["points"]}
    assert policy[2021]["score"] == 2.0 and policy[2025]["score"] == 4.0
    # The 2025 text is the one shown (the wording changed since 2021).
    assert (
        questions["governance.policy"]["text"]
        == questionnaire(2025)["areas"][0]["questions"][0]["text"]
    )
    firewall = {p["year"]: p for p in questions["technical.firewall"]["points"]}
    assert firewall[2021]["in_questionnaire"] is True
    assert firewall[2025] == {"year": 2025, "score": None, "in_questionnaire": False}
    compliance = {p["year"]: p for p in questions["governance.compliance"]["points"]}
    assert compliance[2021]["in_questionnaire"] is False


def test_units_follow_their_ids_over_the_years():
    history = build_history([entry(2024, 2), entry(2025, 3)])
    assert [u["id"] for u in history["units"]] == UNITS
    points = history["units"][0]["points"]
    assert [p["overall"] for p in points] == [pytest.approx(2.0), pytest.approx(3.0)]
    assert points[1]["areas"]["ownership"] == pytest.approx(3.0)


def test_overall_share_counts_every_question():
    step = comparison(questionnaire(2025), questionnaire(2026))
    # 2026 has 58 questions, 7 new; 4 of 2025's were removed: 51 shared of 62 in either year.
    assert step["share"] == pytest.approx(51 / 62, abs=0.0001)
    assert len(step["added"]) == 7 and len(step["removed"]) == 4
    assert build_history([]) == {
        "years": [],
        "overall": [],
        "areas": [],
        "questions": [],
        "units": [],
        "comparisons": [],
    }
