"""The whole platform as processes, used over HTTP like a coordinator would.

A coordinator of Aarhus logs in, creates a unit, answers questions and sees the scores change
through the event path, while Vejle's coordinator gets 404 for every one of those objects; bad
input gets a problem response naming the field, and nothing of it is saved.
"""

import json

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from services.common.config import DATA_DIR
from tests.support.http import Browser
from tests.support.platform import add_users, platform_env, run_platform
from tests.support.services import wait_for

PASSWORD = "et-langt-kodeord-til-test"
AARHUS, VEJLE = 751, 630


@pytest.fixture(scope="module")
def platform(amqp_uri, pg_database, tmp_path_factory):
    env = platform_env(amqp_uri, pg_database, tmp_path_factory, SCORING_RECONCILE_SECONDS="5")
    running = run_platform(env, tmp_path_factory)
    try:
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30) as rpc:
            rpc.survey.import_questionnaire((DATA_DIR / "questionnaires" / "2026.yaml").read_text())
            rpc.survey.create_round(2026)
            rpc.survey.open_round(2026)
        add_users(
            env,
            [
                (AARHUS, "koordinator@aarhus.dk", "Koordinator", "coordinator", None),
                (VEJLE, "k@vejle.dk", "Koordinator", "coordinator", None),
            ],
            PASSWORD,
        )
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def aarhus(platform):
    browser = Browser(platform.base_url)
    assert browser.login(AARHUS, "koordinator@aarhus.dk", PASSWORD).status_code in (302, 303)
    return browser


@pytest.fixture(scope="module")
def vejle(platform):
    browser = Browser(platform.base_url)
    assert browser.login(VEJLE, "k@vejle.dk", PASSWORD).status_code in (302, 303)
    return browser


def pick(browser, scope, other_than_area=None):
    """The first maturity question of a scope, outside the given area."""
    questionnaire = browser.api("GET", "/rounds/2026/questionnaire").json()
    return next(
        q
        for area in questionnaire["areas"]
        for q in area["questions"]
        if q["scope"] == scope and q["type"] == "maturity" and q["area_key"] != other_than_area
    )


def test_coordinator_answers_and_sees_scores_move(aarhus):
    unit = aarhus.api("POST", "/units", json={"name": "Børn og Unge", "kind": "forvaltning"})
    assert unit.status_code == 201, unit.text
    unit_id = unit.json()["id"]
    assert aarhus.api("GET", "/rounds/2026/scores").json()["overall"] is None
    municipal = pick(aarhus, "municipality")
    per_unit = pick(aarhus, "unit", other_than_area=municipal["area_key"])
    saved = aarhus.api(
        "PUT",
        "/rounds/2026/answers",
        json={
            "answers": [
                {"question_key": municipal["key"], "unit_id": None, "value": 2},
                {"question_key": per_unit["key"], "unit_id": unit_id, "value": 4},
            ]
        },
    )
    assert saved.status_code == 200, saved.text
    area_of = {municipal["area_key"]: 2.0, per_unit["area_key"]: 4.0}

    def scores_match():
        scores = aarhus.api("GET", "/rounds/2026/scores").json()
        by_area = {a["key"]: a["score"] for a in scores["areas"]}
        return all(by_area.get(k) == pytest.approx(v) for k, v in area_of.items()) and scores

    scores = wait_for(scores_match, timeout=20)
    assert scores["overall"] == pytest.approx(sum(area_of.values()) / len(area_of))
    aarhus.api(
        "PUT",
        "/rounds/2026/answers",
        json={"answers": [{"question_key": municipal["key"], "unit_id": None, "value": 5}]},
    )
    area_of[municipal["area_key"]] = 5.0
    wait_for(scores_match, timeout=20)
    history = aarhus.api(
        "GET", f"/rounds/2026/answers/history?question_key={municipal['key']}"
    ).json()
    assert [h["new"]["value"] for h in history] == [5, 2]
    page = aarhus.get("/runder/2026/scorer")
    assert page.status_code == 200 and "Børn og Unge" in page.text


def test_other_municipality_gets_404_for_every_object(aarhus, vejle):
    unit_id = aarhus.api("GET", "/units").json()[0]["id"]
    per_unit = pick(aarhus, "unit")
    assert vejle.api("GET", "/units").json() == []
    assert vejle.api("PATCH", f"/units/{unit_id}", json={"name": "X"}).status_code == 404
    assert vejle.api("DELETE", f"/units/{unit_id}").status_code == 404
    answers = vejle.api("GET", f"/rounds/2026/answers?unit_id={unit_id}")
    assert answers.status_code == 404
    saved = vejle.api(
        "PUT",
        "/rounds/2026/answers",
        json={"answers": [{"question_key": per_unit["key"], "unit_id": unit_id, "value": 1}]},
    )
    assert saved.status_code in (404, 422)
    assert vejle.api("GET", "/rounds/2026/scores").json()["overall"] is None
    history = vejle.api(
        "GET", f"/rounds/2026/answers/history?question_key={per_unit['key']}&unit_id={unit_id}"
    )
    assert history.status_code == 404 or history.json() == []
    # Aarhus' answers are untouched.
    mine = aarhus.api("GET", f"/rounds/2026/answers?unit_id={unit_id}").json()
    assert mine[0]["value"] == 4


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (
            {"answers": [{"question_key": "governance.unknown", "unit_id": None, "value": 3}]},
            422,
            "question_key",
        ),
        ({"answers": [{"question_key": "MUNICIPAL", "unit_id": None, "value": 7}]}, 422, "value"),
        (
            {
                "answers": [
                    {"question_key": "NA_ALLOWED", "unit_id": None, "value": None, "na": True}
                ]
            },
            422,
            "justification",
        ),
    ],
)
def test_bad_answers_get_problem_naming_the_field(aarhus, body, status, field):
    before = aarhus.api("GET", "/rounds/2026/answers").json()
    municipal = pick(aarhus, "municipality")
    na_allowed = next(
        q
        for area in aarhus.api("GET", "/rounds/2026/questionnaire").json()["areas"]
        for q in area["questions"]
        if q["na_allowed"] and q["scope"] == "municipality"
    )
    text = json.dumps(body).replace("MUNICIPAL", municipal["key"])
    text = text.replace("NA_ALLOWED", na_allowed["key"])
    response = aarhus.api(
        "PUT", "/rounds/2026/answers", data=text, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json()["field"].endswith(field)
    assert aarhus.api("GET", "/rounds/2026/answers").json() == before


def test_malformed_and_oversized_bodies(aarhus):
    before = aarhus.api("GET", "/rounds/2026/answers").json()
    broken = aarhus.api(
        "PUT",
        "/rounds/2026/answers",
        data="{not json",
        headers={"Content-Type": "application/json"},
    )
    assert broken.status_code == 400
    assert broken.headers["Content-Type"].startswith("application/problem+json")
    big = json.dumps({"answers": [{"question_key": "x", "value": "a" * (2 * 1024 * 1024)}]})
    oversized = aarhus.api(
        "PUT", "/rounds/2026/answers", data=big, headers={"Content-Type": "application/json"}
    )
    assert oversized.status_code == 413
    assert aarhus.api("GET", "/rounds/2026/answers").json() == before


def test_closed_round_refuses_answers(platform, aarhus, amqp_uri):
    municipal = pick(aarhus, "municipality")
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30) as rpc:
        rpc.survey.close_round(2026)
    response = aarhus.api(
        "PUT",
        "/rounds/2026/answers",
        json={"answers": [{"question_key": municipal["key"], "unit_id": None, "value": 1}]},
    )
    assert response.status_code == 409
    assert response.json()["field"] == "year"
    saved = aarhus.api("GET", "/rounds/2026/answers").json()
    assert next(a for a in saved if a["question_key"] == municipal["key"])["value"] == 5


def test_gateway_and_services_serve_metrics(platform):
    body = Browser(platform.base_url).get("/metrics").text
    assert 'service="gateway"' in body
    import urllib.request

    port = platform.env["METRICS_PORT_SURVEY"]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        assert 'service="survey"' in response.read().decode()
