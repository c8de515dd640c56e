"""The municipality's score per question: the numbers its area scores are built from."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from services.scoring.rules import compute_scores, question_scores
from tests.scoring.test_rules import ANSWERS, QUESTIONNAIRE, UNITS, scenarios


def test_worked_example():
    found = {q["key"]: q for q in question_scores(QUESTIONNAIRE, UNITS, ANSWERS)}
    assert list(found) == [q["key"] for a in QUESTIONNAIRE["areas"] for q in a["questions"]]
    assert found["governance.policy"]["score"] == 4.0
    assert found["governance.roles"]["score"] == 3.0
    assert found["governance.notes"]["score"] is None  # text is never scored
    assert found["operations.backup"]["score"] == pytest.approx(3.0)  # mean(5, 3, 1)
    assert found["operations.controls"]["score"] == pytest.approx(2.5)  # mean(4, 1)
    assert found["operations.patch_days"]["score"] == pytest.approx(3.0)  # N/A left out
    assert found["awareness.training"]["score"] == pytest.approx(2.0)
    assert found["awareness.phishing"]["score"] is None  # a number without bands
    assert found["operations.controls"]["below_acceptable"] is True
    assert found["governance.roles"]["below_acceptable"] is False
    assert found["awareness.training"]["area_key"] == "awareness"


def test_units_outside_the_unit_set_do_not_count():
    found = {q["key"]: q["score"] for q in question_scores(QUESTIONNAIRE, [10], ANSWERS)}
    assert found["operations.backup"] == 5.0


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_area_scores_are_the_weighted_mean_of_question_scores(scenario):  # noqa: ANN001
    questionnaire, units, answers = scenario
    areas = {a["key"]: a["score"] for a in compute_scores(questionnaire, units, answers)["areas"]}
    questions = question_scores(questionnaire, units, answers)
    weights = {
        q["key"]: float(q.get("weight", 1)) for a in questionnaire["areas"] for q in a["questions"]
    }
    for key, score in areas.items():
        scored = [
            (q["score"], weights[q["key"]])
            for q in questions
            if q["area_key"] == key and q["score"] is not None
        ]
        if not scored:
            assert score is None
            continue
        expected = sum(s * w for s, w in scored) / sum(w for _, w in scored)
        assert score == pytest.approx(expected)
