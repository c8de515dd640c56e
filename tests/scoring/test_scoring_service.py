"""The scoring service fed by survey's events, against real RabbitMQ and PostgreSQL."""

import pytest
from nameko.standalone.events import event_dispatcher

from services.common.events import make_event
from services.scoring.service import ScoringService
from services.survey.service import SurveyService
from tests.support.questionnaires import SMALL_2026
from tests.support.services import ACTOR, rpc_proxy, start_services, wait_for

AARHUS, VEJLE = 751, 630


@pytest.fixture
def platform(container_factory, service_config):
    config = service_config("survey", "scoring")
    start_services(container_factory, config, SurveyService, ScoringService)
    with rpc_proxy(config) as rpc:
        rpc.survey.import_questionnaire(SMALL_2026)
        rpc.survey.create_round(2026)
        rpc.survey.open_round(2026)
        rpc.config = config
        yield rpc


def overall(rpc, municipality_id=AARHUS):
    return rpc.scoring.get_scores(municipality_id, 2026)["overall"]


def test_scores_follow_answers_through_events(platform):
    rpc = platform
    unit = rpc.survey.create_unit(AARHUS, {"name": "IT", "kind": "forvaltning"}, ACTOR)
    assert overall(rpc) is None
    rpc.survey.save_answers(
        AARHUS,
        2026,
        [
            {"question_key": "governance.policy", "unit_id": None, "value": 2},
            {"question_key": "governance.reporting", "unit_id": None, "value": "yes"},
            {"question_key": "ownership.owners", "unit_id": unit["id"], "value": "all"},
        ],
        ACTOR,
    )
    # governance = (2*2 + 5*1) / 3 = 3.0; ownership = 5.0 -> overall 4.0
    wait_for(lambda: overall(rpc) == pytest.approx(4.0))
    scores = rpc.scoring.get_scores(AARHUS, 2026)
    areas = {a["key"]: a for a in scores["areas"]}
    assert areas["governance"]["score"] == pytest.approx(3.0)
    assert areas["governance"]["below_acceptable"] is False
    assert scores["units"][0]["id"] == unit["id"]
    assert scores["completeness"] == pytest.approx(3 / 6)
    rpc.survey.save_answers(
        AARHUS, 2026, [{"question_key": "governance.policy", "unit_id": None, "value": 1}], ACTOR
    )
    # governance = (1*2 + 5) / 3 = 2.3333; overall (2.3333 + 5) / 2
    wait_for(lambda: overall(rpc) == pytest.approx((7 / 3 + 5) / 2))
    assert rpc.scoring.get_scores(VEJLE, 2026)["overall"] is None

    # The ranking the scores page and the reports show comes from scoring's own projection.
    found = rpc.scoring.get_recommendations(AARHUS, 2026)
    assert [(r["question_key"], r["score"], r["gap"]) for r in found] == [
        ("governance.policy", 1.0, 2.0)
    ]
    assert found[0]["recommendation"]["da"] == "Få politikken godkendt."
    assert rpc.scoring.get_recommendations(AARHUS, 2026, unit["id"]) == []
    assert rpc.scoring.get_recommendations(VEJLE, 2026) == []


def test_redelivered_and_reordered_events_change_nothing(platform):
    rpc = platform
    rpc.survey.save_answers(
        AARHUS, 2026, [{"question_key": "governance.policy", "unit_id": None, "value": 5}], ACTOR
    )
    wait_for(lambda: overall(rpc) == pytest.approx(5.0))
    dispatch = event_dispatcher(rpc.config)
    stale = {
        "question_key": "governance.policy",
        "unit_id": None,
        "value": 1,
        "na": False,
        "revision": 1,
    }
    for sequence in (1, 1):
        dispatch(
            "survey",
            "answers_saved",
            make_event("answers_saved", {"year": 2026, "answers": [stale]}, AARHUS, sequence),
        )
    newer = {**stale, "value": 3, "revision": 2}
    dispatch(
        "survey",
        "answers_saved",
        make_event("answers_saved", {"year": 2026, "answers": [newer]}, AARHUS, 99),
    )
    wait_for(lambda: overall(rpc) == pytest.approx(3.0))
    dispatch(
        "survey",
        "answers_saved",
        make_event("answers_saved", {"year": 2026, "answers": [stale]}, AARHUS, 1),
    )
    rpc.survey.health()
    assert overall(rpc) == pytest.approx(3.0)


def test_poison_event_is_survived_and_reconciliation_converges(platform):
    rpc = platform
    dispatch = event_dispatcher(rpc.config)
    dispatch("survey", "answers_saved", {"year": 2026, "answers": "not a list"})
    rpc.survey.save_answers(
        AARHUS, 2026, [{"question_key": "governance.policy", "unit_id": None, "value": 4}], ACTOR
    )
    wait_for(lambda: overall(rpc) == pytest.approx(4.0))
    # A forged event moves the projection away from survey's answers; reconciliation notices
    # the different watermark and rebuilds from survey.
    bogus = {
        "question_key": "governance.policy",
        "unit_id": None,
        "value": 1,
        "na": False,
        "revision": 50,
    }
    dispatch(
        "survey",
        "answers_saved",
        make_event("answers_saved", {"year": 2026, "answers": [bogus]}, AARHUS, 5),
    )
    wait_for(lambda: overall(rpc) == pytest.approx(1.0))
    wait_for(lambda: overall(rpc) == pytest.approx(4.0), timeout=20)


def test_rebuild_equals_recomputation(platform):
    rpc = platform
    unit = rpc.survey.create_unit(AARHUS, {"name": "IT", "kind": "forvaltning"}, ACTOR)
    rpc.survey.save_answers(
        AARHUS,
        2026,
        [
            {"question_key": "ownership.controls", "unit_id": unit["id"], "value": ["access"]},
            {"question_key": "ownership.training", "unit_id": unit["id"], "value": 95},
        ],
        ACTOR,
    )
    # ownership = (3*1 + 5*1) / 2 = 4.0 (multiple choice 1 + 4 * 1/2 = 3)
    wait_for(lambda: overall(rpc) == pytest.approx(4.0))
    rebuilt = rpc.scoring.rebuild(AARHUS, 2026)
    assert rebuilt["overall"] == pytest.approx(4.0)
    assert rebuilt["units"][0]["areas"][1]["score"] == pytest.approx(4.0)
