"""Scoring's additions for benchmarks and history, against real RabbitMQ and PostgreSQL:
per-question scores and a revision in every result and scores_updated event, revisions per
round for the benchmark's reconciler, and history across questionnaire versions."""

import pytest
from nameko.events import event_handler

from services.scoring.service import ScoringService
from services.survey.service import SurveyService
from tests.support.questionnaires import SMALL_2026
from tests.support.services import ACTOR, rpc_proxy, wait_for

AARHUS, VEJLE = 751, 630
# 2025: the same questionnaire without governance.reporting, and an older wording of policy.
SMALL_2025 = (
    SMALL_2026.replace("year: 2026", "year: 2025")
    .replace('"2026.1"', '"2025.1"')
    .replace("Er der en politik?", "Findes der en politik?")
)
start = SMALL_2025.index("      - key: governance.reporting")
end = SMALL_2025.index("      - key: governance.notes")
SMALL_2025 = SMALL_2025[:start] + SMALL_2025[end:]

received: list[dict] = []


class ScoresListener:
    name = "scores_listener"

    @event_handler("scoring", "scores_updated")
    def on_scores(self, payload: dict) -> None:
        received.append(payload)


@pytest.fixture
def platform(container_factory, service_config):
    received.clear()
    config = service_config("survey", "scoring")
    for cls in (SurveyService, ScoringService, ScoresListener):
        container_factory(cls, config).start()
    with rpc_proxy(config) as rpc:
        for text, year in ((SMALL_2025, 2025), (SMALL_2026, 2026)):
            rpc.survey.import_questionnaire(text)
            rpc.survey.create_round(year)
        yield rpc


def save(rpc, year, answers, municipality_id=AARHUS):
    rpc.survey.save_answers(municipality_id, year, answers, ACTOR)


def test_results_and_events_carry_question_scores_and_revisions(platform):
    rpc = platform
    rpc.survey.open_round(2025)
    save(rpc, 2025, [{"question_key": "governance.policy", "unit_id": None, "value": 2}])
    wait_for(lambda: any(e["municipality_id"] == AARHUS for e in received))
    first = rpc.scoring.get_scores(AARHUS, 2025)
    questions = {q["key"]: q["score"] for q in first["questions"]}
    assert questions["governance.policy"] == 2.0
    assert questions["governance.notes"] is None
    save(rpc, 2025, [{"question_key": "governance.policy", "unit_id": None, "value": 4}])
    wait_for(lambda: rpc.scoring.get_scores(AARHUS, 2025)["overall"] == pytest.approx(4.0))
    second = rpc.scoring.get_scores(AARHUS, 2025)
    assert second["revision"] > first["revision"]
    assert rpc.scoring.score_revisions(2025) == {str(AARHUS): second["revision"]}
    event = wait_for(
        lambda: next((e for e in received if e["revision"] == second["revision"]), None)
    )
    assert event["questions"]["governance.policy"] == 4.0
    assert event["year"] == 2025 and event["municipality_id"] == AARHUS


def test_history_across_two_questionnaire_versions(platform):
    rpc = platform
    rpc.survey.open_round(2025)
    save(rpc, 2025, [{"question_key": "governance.policy", "unit_id": None, "value": 2}])
    rpc.survey.close_round(2025)
    rpc.survey.open_round(2026)
    save(
        rpc,
        2026,
        [
            {"question_key": "governance.policy", "unit_id": None, "value": 4},
            {"question_key": "governance.reporting", "unit_id": None, "value": "yes"},
        ],
    )
    save(rpc, 2026, [{"question_key": "governance.policy", "unit_id": None, "value": 1}], VEJLE)

    def two_years():
        history = rpc.scoring.get_history(AARHUS)
        return history if history["years"] == [2025, 2026] else None

    history = wait_for(two_years)
    governance = next(a for a in history["areas"] if a["key"] == "governance")
    points = {p["year"]: p for p in governance["points"]}
    assert points[2025]["score"] == pytest.approx(2.0)
    assert points[2026]["score"] == pytest.approx((4 * 2 + 5) / 3)
    # governance: policy, notes shared; reporting new in 2026 -> 2 of 3
    assert points[2026]["comparable_share"] == pytest.approx(2 / 3, abs=0.0001)
    step = history["comparisons"][0]
    assert step["added"] == ["governance.reporting"]
    assert step["reworded"] == ["governance.policy"]
    reporting = next(q for q in history["questions"] if q["key"] == "governance.reporting")
    assert [p["in_questionnaire"] for p in reporting["points"]] == [False, True]
    # Vejle answered 2026 only; its history is its own.
    vejle = wait_for(lambda: (h := rpc.scoring.get_history(VEJLE))["years"] and h)
    assert vejle["years"] == [2026]
    assert vejle["overall"][0]["score"] == pytest.approx(1.0)
