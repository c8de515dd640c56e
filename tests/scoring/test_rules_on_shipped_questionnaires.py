"""The scoring rules on the real questionnaires, fed with the demo generator's answers."""

import pytest

from services.common.config import DATA_DIR
from services.scoring.rules import compute_scores, recommendations
from services.survey.answers import check_batch
from services.survey.questionnaire_format import load_questionnaire_file
from tools.demo_data import generated_answers


@pytest.mark.parametrize("year", [2025, 2026])
def test_generated_answers_are_valid_and_score_near_their_level(year):
    questionnaire = load_questionnaire_file(DATA_DIR / "questionnaires" / f"{year}.yaml")
    units = [11, 12, 13]
    low = generated_answers(questionnaire, units, level=1.5, seed=1)
    high = generated_answers(questionnaire, units, level=4.5, seed=1)
    for answers in (low, high):
        assert check_batch(questionnaire, set(units), answers) == [
            {**a, "comment": None} for a in answers
        ]
    low_scores = compute_scores(questionnaire, units, low)
    high_scores = compute_scores(questionnaire, units, high)
    assert low_scores["completeness"] == pytest.approx(1.0)
    assert 1.0 <= low_scores["overall"] < 3.0 < high_scores["overall"] <= 5.0
    assert len(low_scores["areas"]) == 6
    assert all(area["below_acceptable"] for area in low_scores["areas"])
    ranked = recommendations(questionnaire, low)
    assert ranked and all(r["recommendation"]["da"] for r in ranked)
    gaps = [r["gap"] * r["weight"] for r in ranked]
    assert gaps == sorted(gaps, reverse=True)
