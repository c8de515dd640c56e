"""KL's development: all participants and the panel, with disclosure control across years."""

import pytest

from services.benchmark import development, engine
from tests.gateway.conftest import make_questionnaire

MEMBERS = {
    m: {"region": "Hovedstaden" if m < 20 else "Sjælland", "size_class": "medium"}
    for m in range(40)
}


def scores(value: float) -> dict:
    return {"overall": value, "completeness": 1.0, "areas": {"governance": value}, "questions": {}}


def round_of(year: int, values: dict[int, float]) -> dict:
    questionnaire = make_questionnaire(year)
    data = {m: scores(v) for m, v in values.items()}
    document = engine.publish(engine.compute_round(year, questionnaire, data, MEMBERS), False)
    return {"year": year, "questionnaire": questionnaire, "scores": data, "document": document}


def test_panel_follows_the_same_municipalities():
    before = {m: 1.0 + (m % 4) for m in range(40)}
    after = {m: v + 0.5 for m, v in before.items() if m >= 10}  # ten dropped out
    result = development.development([round_of(2024, before), round_of(2025, after)], MEMBERS)
    assert [y["year"] for y in result["years"]] == [2024, 2025]
    step = result["steps"][0]
    assert step["share"] == 1.0
    panel = step["panel"]["overall"]
    assert panel["n"] == 30 and panel["complete"] is True
    assert panel["change"] == pytest.approx(0.5)
    assert panel["from"]["mean"] == pytest.approx(
        sum(before[m] for m in range(10, 40)) / 30, abs=0.005
    )
    assert result["years"][0]["metrics"]["overall"]["n"] == 40


def test_panel_mean_that_would_reveal_one_municipality_is_withheld():
    before = {m: 1.0 + (m % 4) for m in range(40)}
    after = {m: 1.5 + (m % 4) for m in range(40)}
    del after[7]  # one municipality dropped out: all of 2024 minus the panel is that one
    result = development.development([round_of(2024, before), round_of(2025, after)], MEMBERS)
    panel = result["steps"][0]["panel"]["overall"]
    assert panel["complete"] is False
    assert panel["from"]["mean"] is None and panel["to"]["share_acceptable"] is None
    assert panel["change"] is None
    assert panel["change_median"] == pytest.approx(0.5)
    assert panel["n"] == 39
    assert result["years"][0]["metrics"]["overall"] is not None


def test_panel_too_small_or_uniform_is_withheld_whole():
    before = {m: 1.0 + (m % 4) for m in range(40)}
    after = {m: 2.0 for m in range(40)}
    result = development.development([round_of(2024, before), round_of(2025, after)], MEMBERS)
    assert result["steps"][0]["panel"]["overall"] is None
    few = {m: 1.0 + (m % 4) for m in range(5)}
    result = development.development([round_of(2024, before), round_of(2025, few)], MEMBERS)
    assert result["steps"][0]["panel"]["overall"] is None


def test_questionnaire_changes_are_reported_with_the_step():
    old = round_of(2024, {m: 2.0 + (m % 3) for m in range(40)})
    new = round_of(2025, {m: 2.5 + (m % 3) for m in range(40)})
    new["questionnaire"]["areas"][0]["questions"].pop()
    result = development.development([old, new], MEMBERS)
    governance = next(a for a in result["steps"][0]["areas"] if a["key"] == "governance")
    assert governance["share"] == pytest.approx(2 / 3, abs=0.001)
    assert result["steps"][0]["share"] < 1.0
