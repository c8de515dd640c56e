"""The benchmark service fed by scoring's and survey's events, against RabbitMQ and PostgreSQL."""

import json

import pytest
from nameko.standalone.events import event_dispatcher

from services.benchmark.service import BenchmarkService
from services.common.events import make_event
from services.scoring.service import ScoringService
from services.survey.service import SurveyService
from tests.support.questionnaires import SMALL_2026
from tests.support.services import ACTOR, rpc_proxy, wait_for

# Eight municipalities of Hovedstaden (kommunekoder), their policy level and reporting answer.
LEVELS = {
    101: (4, "yes"),
    147: (3, "partly"),
    151: (2, "no"),
    153: (5, "yes"),
    155: (1, "no"),
    157: (3, "yes"),
    159: (2, "partly"),
    161: (4, "partly"),
}
AARHUS = 751


@pytest.fixture
def platform(container_factory, service_config):
    config = service_config("survey", "scoring", "benchmark")
    for cls in (SurveyService, ScoringService, BenchmarkService):
        container_factory(cls, config).start()
    with rpc_proxy(config, timeout=30) as rpc:
        rpc.survey.import_questionnaire(SMALL_2026)
        rpc.survey.create_round(2026)
        rpc.survey.open_round(2026)
        rpc.config = config
        yield rpc


def answer_all(rpc, levels=LEVELS):
    for municipality_id, (policy, reporting) in levels.items():
        rpc.survey.save_answers(
            municipality_id,
            2026,
            [
                {"question_key": "governance.policy", "unit_id": None, "value": policy},
                {"question_key": "governance.reporting", "unit_id": None, "value": reporting},
            ],
            ACTOR,
        )


def expected_overall(policy, reporting):
    scores = {"yes": 5, "partly": 3, "no": 1}
    return (2 * policy + scores[reporting]) / 3


def all_scored(rpc, levels=LEVELS):
    revisions = rpc.scoring.score_revisions(2026)
    return all(str(m) in revisions for m in levels)


def test_closing_the_round_publishes_final_figures(platform):
    rpc = platform
    answer_all(rpc)
    wait_for(lambda: all_scored(rpc), timeout=20)
    wait_for(lambda: rpc.benchmark.get_national(2026)["participation"]["all"]["participants"] >= 5)
    preliminary = rpc.benchmark.get_national(2026)
    assert preliminary["state"] == "preliminary"
    rpc.survey.close_round(2026)

    def final():
        document = rpc.benchmark.get_national(2026)
        return (
            document
            if document["state"] == "final"
            and document["participation"]["all"]["participants"] == 8
            else None
        )

    document = wait_for(final, timeout=20)
    overall = sorted(expected_overall(*v) for v in LEVELS.values())
    cell = document["metrics"]["overall"]["all"]
    assert cell["n"] == 8
    assert cell["mean"] == pytest.approx(sum(overall) / 8, abs=0.005)
    assert cell["median"] == pytest.approx((overall[3] + overall[4]) / 2, abs=0.005)
    assert cell["approximate"] is False
    # Eight municipalities of one region: the region equals Denmark, the size classes are small.
    assert document["metrics"]["overall"]["region:Hovedstaden"] is not None
    assert document["metrics"]["overall"]["region:Midtjylland"] is None
    policy = document["metrics"]["question:governance.policy"]["all"]
    assert policy["share_acceptable"] == pytest.approx(5 / 8, abs=0.001)
    text = json.dumps(document)
    assert "municipality" not in text
    assert document["priorities"]["areas"][0]["key"] == "governance"


def test_own_values_only_and_bands(platform):
    rpc = platform
    answer_all(rpc)
    wait_for(lambda: all_scored(rpc), timeout=20)
    rpc.survey.close_round(2026)
    view = wait_for(
        lambda: (v := rpc.benchmark.get_benchmark(101, 2026))["state"] == "final"
        and v["overall"]["own"] is not None
        and v,
        timeout=20,
    )
    assert [g["key"] for g in view["groups"]] == ["all", "region:Hovedstaden", "size:largest"]
    assert view["overall"]["own"] == pytest.approx(expected_overall(4, "yes"))
    assert view["overall"]["bands"]["all"] == "highest"
    low = rpc.benchmark.get_benchmark(155, 2026)
    assert low["overall"]["own"] == pytest.approx(expected_overall(1, "no"))
    assert low["overall"]["bands"]["all"] == "lowest"
    outsider = rpc.benchmark.get_benchmark(AARHUS, 2026)
    assert outsider["participated"] is False
    assert outsider["overall"]["own"] is None
    assert outsider["overall"]["cells"]["all"] == view["overall"]["cells"]["all"]
    assert "region:Hovedstaden" not in json.dumps(outsider)


def test_old_and_forged_events_are_repaired_by_reconciliation(platform):
    rpc = platform
    answer_all(rpc)
    wait_for(lambda: all_scored(rpc), timeout=20)
    rpc.survey.close_round(2026)
    wait_for(lambda: rpc.benchmark.get_benchmark(101, 2026)["overall"]["own"] is not None)
    dispatch = event_dispatcher(rpc.config)
    old = {"year": 2026, "revision": 0, "overall": 1.0, "completeness": 1.0, "areas": {}}
    dispatch("scoring", "scores_updated", make_event("scores_updated", old, 101, 1))
    forged = {**old, "revision": 999, "areas": {"governance": 1.0}}
    dispatch("scoring", "scores_updated", make_event("scores_updated", forged, 101, 2))
    wait_for(lambda: rpc.benchmark.get_benchmark(101, 2026)["overall"]["own"] == 1.0)
    wait_for(
        lambda: rpc.benchmark.get_benchmark(101, 2026)["overall"]["own"]
        == pytest.approx(expected_overall(4, "yes")),
        timeout=60,  # a reconciliation every 2 s; the margin is for a loaded machine
    )


def test_uniform_question_is_withheld(platform):
    rpc = platform
    same = {m: (3, reporting) for m, (_, reporting) in LEVELS.items()}
    answer_all(rpc, same)
    wait_for(lambda: all_scored(rpc, same), timeout=20)
    rpc.survey.close_round(2026)
    document = wait_for(
        lambda: (d := rpc.benchmark.get_national(2026))["state"] == "final"
        and d["participation"]["all"]["participants"] == 8
        and d,
        timeout=20,
    )
    assert document["metrics"]["question:governance.policy"]["all"] is None
    assert document["metrics"]["question:governance.reporting"]["all"] is not None
