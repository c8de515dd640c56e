"""History and benchmark through the whole platform as processes, over HTTP like a user.

Two closed rounds (2024, 2025) answered by fourteen municipalities with the demo generator:
a coordinator sees both years and a final benchmark, another tenant sees its own values, and a
KL analyst sees the national figures and no municipal route.
"""

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from services.common.config import DATA_DIR
from tests.support.http import Browser
from tests.support.platform import add_users, platform_env, run_platform
from tests.support.services import wait_for
from tools import demo_history
from tools.demo_data import DEMO_ACTOR

PASSWORD = "et-langt-kodeord-til-test"
# Twelve municipalities of Hovedstaden (København first), plus Aarhus and Vejle.
TAKING_PART = (101, 147, 151, 153, 155, 157, 159, 161, 163, 165, 167, 169, 751, 630)
YEARS = (2024, 2025)


@pytest.fixture(scope="module")
def platform(amqp_uri, pg_database, tmp_path_factory):
    env = platform_env(
        amqp_uri,
        pg_database,
        tmp_path_factory,
        SCORING_RECONCILE_SECONDS="5",
        BENCHMARK_REFRESH_SECONDS="2",
        BENCHMARK_RECONCILE_SECONDS="5",
        RPC_TIMEOUT="20",
    )
    running = run_platform(env, tmp_path_factory)
    try:
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=60) as rpc:
            load(rpc)
        add_users(
            env,
            [
                (101, "koordinator@kk.dk", "Test", "coordinator", None),
                (751, "koordinator@aarhus.dk", "Test", "coordinator", None),
                (None, "analytiker@kl.dk", "Test", "kl_analyst", None),
            ],
            PASSWORD,
        )
        yield running
    finally:
        running.stop()


def load(rpc) -> None:  # noqa: ANN001
    municipalities = {m["id"]: m for m in rpc.survey.list_municipalities()}
    units = {}
    for municipality_id in TAKING_PART:
        units[municipality_id] = [
            rpc.survey.create_unit(
                municipality_id, {"name": name, "kind": "forvaltning"}, DEMO_ACTOR
            )["id"]
            for name in ("Børn og Unge", "Teknik og Miljø")
        ]
    for year in YEARS:
        rpc.survey.import_questionnaire((DATA_DIR / "questionnaires" / f"{year}.yaml").read_text())
        rpc.survey.create_round(year)
        rpc.survey.open_round(year)
        questionnaire = rpc.survey.get_questionnaire(year)
        for municipality_id in TAKING_PART:
            profile = demo_history.profile(municipalities[municipality_id], always=True)
            answers = demo_history.answers(questionnaire, profile, units[municipality_id], True)
            for start in range(0, len(answers), 200):
                rpc.survey.save_answers(
                    municipality_id, year, answers[start : start + 200], DEMO_ACTOR
                )
        wait_for(lambda year=year: len(rpc.scoring.score_revisions(year)) == 14, timeout=60)
        rpc.survey.close_round(year)


def logged_in(platform, municipality, email) -> Browser:  # noqa: ANN001
    browser = Browser(platform.base_url)
    assert browser.login(municipality, email, PASSWORD).status_code in (302, 303)
    return browser


def final(browser: Browser, path: str) -> dict:
    def ready() -> dict | None:
        response = browser.api("GET", path)
        if response.status_code != 200:
            return None
        body = response.json()
        participants = body["participation"]["all"]["participants"]
        return body if body["state"] == "final" and participants == 14 else None

    return wait_for(ready, timeout=60, interval=0.5)


def test_coordinator_sees_history_and_a_final_benchmark(platform):
    copenhagen = logged_in(platform, 101, "koordinator@kk.dk")
    history = wait_for(
        lambda: (h := copenhagen.api("GET", "/history").json())["years"] == [2024, 2025] and h,
        timeout=60,
    )
    assert history["comparisons"][0]["share"] < 1  # 2024 -> 2025 changed questions
    assert [u["name"] for u in history["units"]] == ["Børn og Unge", "Teknik og Miljø"]
    benchmark = final(copenhagen, "/rounds/2025/benchmark")
    assert benchmark["overall"]["own"] is not None
    assert benchmark["overall"]["cells"]["all"]["n"] == 14
    assert benchmark["overall"]["bands"]["all"] is not None
    # Only two municipalities of Copenhagen's size class took part: withheld.
    assert benchmark["overall"]["cells"]["size:largest"] is None
    page = copenhagen.get("/runder/2025/sammenligning")
    assert page.status_code == 200 and "<svg" in page.text
    development = copenhagen.get("/udvikling")
    assert development.status_code == 200 and "2024" in development.text

    aarhus = logged_in(platform, 751, "koordinator@aarhus.dk")
    own = final(aarhus, "/rounds/2025/benchmark")
    assert own["overall"]["own"] != benchmark["overall"]["own"]
    assert [g["key"] for g in own["groups"]][1] == "region:Midtjylland"
    assert own["overall"]["cells"]["region:Midtjylland"] is None  # one other municipality
    forged = aarhus.api("GET", "/rounds/2025/benchmark?municipality_id=101").json()
    assert forged["overall"]["own"] == own["overall"]["own"]


def test_kl_sees_the_national_picture_only(platform):
    kl = logged_in(platform, "kl", "analytiker@kl.dk")
    national = final(kl, "/kl/rounds/2025/benchmark")
    assert national["metrics"]["overall"]["all"]["n"] == 14
    assert national["priorities"]["areas"]
    assert "own" not in national["metrics"]["overall"]
    development = wait_for(
        lambda: len((d := kl.api("GET", "/kl/development").json())["years"]) == 2 and d,
        timeout=60,
    )
    assert development["steps"][0]["panel"]["overall"]["n"] == 14
    for path in ("/rounds/2025/benchmark", "/history", "/rounds/2025/units/1/comparison"):
        assert kl.api("GET", path).status_code == 403, path
    page = kl.get("/kl")
    assert page.status_code == 200 and "Landsbilledet" in page.text
