"""Faults, really caused: the platform keeps every acknowledged answer and mends itself.

On one running platform (``conftest.py``): a poison message ends in the dead-letter queue and
the next good one is still handled; SMTP dies while invitations go out and every mail arrives
exactly once after it returns; the scoring service is killed with SIGKILL during a burst of
answer saves and, restarted, holds the scores a recomputation from survey's answers gives;
RabbitMQ is restarted during a burst and every save that got a 2xx is stored, every other one
got a clear 503, and every service reconnects by itself; PostgreSQL stops under the benchmark
service and only the benchmark answers 503.

The poison and kill tests run scoring without its periodic rebuild (``event_path_only``) and
read its run counter: their scores can only have come through the events. Checks wait for a
condition (a counter, a later message handled), never for a fixed time.
"""

from __future__ import annotations

import re
import urllib.request
from datetime import timedelta

import eventlet
import pytest
import requests
from eventlet.event import Event
from kombu import Connection, Exchange, Producer
from nameko.standalone.rpc import ClusterRpcProxy

from services.common.localtime import local_today
from services.scoring import rules
from tests.fault.conftest import AARHUS, PASSWORD, reconciliation
from tests.support.http import Browser
from tests.support.services import wait_for
from tools.dead_letters import list_dead_letters, replay

pytestmark = pytest.mark.fault

SCORING_QUEUE = "evt-survey-answers_saved--scoring.on_answers_saved"
MAIL_SERVICE = "mail"  # the service whose outbox sends e-mail: its metrics are read


@pytest.fixture(scope="module")
def aarhus(platform):
    browser = Browser(platform.base_url)
    assert browser.login(AARHUS, "koordinator@aarhus.dk", PASSWORD).status_code in (302, 303)
    return browser


@pytest.fixture(scope="module")
def unit_ids(aarhus):
    made = []
    for name in ("IT-drift", "Borgerservice", "Skole"):
        created = aarhus.api("POST", "/units", json={"name": name, "kind": "forvaltning"})
        assert created.status_code == 201, created.text
        made.append(created.json()["id"])
    return made


def rpc(broker, method: str, *args):  # noqa: ANN001, ANN201
    """One RPC on a fresh proxy (a proxy does not outlive a broker restart)."""
    service, name = method.split(".")
    with ClusterRpcProxy({"AMQP_URI": broker.uri}, timeout=10) as proxy:
        return getattr(getattr(proxy, service), name)(*args)


def summary(scores: dict) -> dict:
    def areas(entry: dict) -> dict:
        return {a["key"]: round(a["score"], 6) if a["score"] is not None else None for a in entry}

    return {
        "overall": None if scores["overall"] is None else round(scores["overall"], 6),
        "completeness": round(scores["completeness"], 6),
        "areas": areas(scores["areas"]),
        "units": {u["id"]: areas(u["areas"]) for u in scores["units"]},
    }


def recomputed(broker) -> dict:  # noqa: ANN001
    """The scores the pure rules give for the answers survey holds now."""
    questionnaire = rpc(broker, "survey.get_questionnaire", 2026)
    units = [u["id"] for u in rpc(broker, "survey.list_units", AARHUS)]
    answers = rpc(broker, "survey.get_answers", AARHUS, 2026, None, None, True)
    return summary(rules.compute_scores(questionnaire, units, answers))


def scores_match_recomputation(broker):  # noqa: ANN001, ANN201
    expected = recomputed(broker)
    actual = summary(rpc(broker, "scoring.get_scores", AARHUS, 2026))
    return expected == actual and expected["overall"] is not None and actual


def assert_scores_converge(broker, platform, timeout: float = 60) -> None:  # noqa: ANN001
    """Wait for scoring to hold what the rules give; on failure show the difference and logs."""
    try:
        wait_for(lambda: scores_match_recomputation(broker), timeout=timeout, interval=0.5)
    except AssertionError:
        actual = summary(rpc(broker, "scoring.get_scores", AARHUS, 2026))
        assert actual == recomputed(broker), f"logs in {platform.log_dir}"
        raise


def metric(platform, service: str, pattern: str) -> float:  # noqa: ANN001
    """The sum of every series ``pattern`` matches on the service's /metrics (0 if none)."""
    port = platform.env[f"METRICS_PORT_{service.upper()}"]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        body = response.read().decode()
    return sum(float(value) for value in re.findall(pattern + r" ([0-9.e+]+)", body))


def reconcile_runs(platform) -> float:  # noqa: ANN001
    """Runs of scoring's periodic rebuild since its process started, whatever their outcome."""
    return metric(
        platform,
        "scoring",
        r'platform_entrypoint_latency_seconds_count\{[^}]*entrypoint="reconcile"[^}]*\}',
    )


def dead_letters_counted(platform) -> float:  # noqa: ANN001
    return metric(
        platform,
        "scoring",
        r'platform_dead_letters_total\{event="answers_saved",service="scoring"\}',
    )


def mails_sent(platform, kind: str) -> float:  # noqa: ANN001
    return metric(platform, MAIL_SERVICE, rf'platform_mails_sent_total\{{kind="{kind}"\}}')


@pytest.fixture
def event_path_only(platform):  # noqa: ANN001, ANN201
    """Scoring without its periodic rebuild: scores can then only come from the events."""
    reconciliation(platform, on=False)
    assert reconcile_runs(platform) == 0


@pytest.fixture
def reconciling(platform):  # noqa: ANN001, ANN201
    """Scoring with its periodic rebuild, which repairs what a fault made it miss."""
    reconciliation(platform, on=True)


def two_dead_letters(broker) -> list[dict] | None:  # noqa: ANN001
    letters = list_dead_letters(broker.uri)
    return letters if len(letters) >= 2 else None


def all_consumers_back(broker) -> bool:  # noqa: ANN001
    queues = {
        name: count
        for name, count in broker.consumers().items()
        if name.startswith(("evt-", "rpc-")) and not name.startswith("rpc-standalone")
    }
    return len(queues) >= 10 and all(count >= 1 for count in queues.values())


def save(aarhus, answers: list[dict]) -> requests.Response:  # noqa: ANN001
    return aarhus.api("PUT", "/rounds/2026/answers", json={"answers": answers})


def test_poison_message_ends_in_the_dead_letter_queue_and_the_next_one_is_handled(
    broker, platform, aarhus, unit_ids, event_path_only
):
    exchange = Exchange("survey.events", type="topic", durable=True)
    with Connection(broker.uri) as connection:
        producer = Producer(connection.channel(), exchange=exchange, routing_key="answers_saved")
        producer.publish(b"{not json", content_type="application/json", content_encoding="utf-8")
        producer.publish({"year": 2026, "answers": "not a list"}, serializer="json")
    saved = save(aarhus, [{"question_key": "governance.policy", "unit_id": None, "value": 4}])
    assert saved.status_code == 200, saved.text
    # The reconciler is off: the good event behind the poison ones was scored by its handler.
    assert_scores_converge(broker, platform, timeout=30)

    letters = wait_for(lambda: two_dead_letters(broker))
    assert [(d["queue"], d["reason"]) for d in letters] == [(SCORING_QUEUE, "rejected")] * 2
    bodies = {d["body"] for d in letters}
    assert "{not json" in bodies
    assert any('"not a list"' in body for body in bodies - {"{not json"})
    assert dead_letters_counted(platform) == 2
    # Replayed, both reach scoring's handler again, fail again and are back: counted twice more.
    assert replay(broker.uri, 2) == 2
    wait_for(lambda: dead_letters_counted(platform) >= 4, timeout=30)
    wait_for(lambda: two_dead_letters(broker))
    # Nothing loops: once a good save made after the replay is scored, still 2 letters, 4 counts.
    saved = save(aarhus, [{"question_key": "governance.policy", "unit_id": None, "value": 3}])
    assert saved.status_code == 200, saved.text
    assert_scores_converge(broker, platform, timeout=30)
    assert len(list_dead_letters(broker.uri)) == 2
    assert dead_letters_counted(platform) == 4
    assert reconcile_runs(platform) == 0


def test_smtp_down_during_invitations_then_every_mail_arrives_once(
    platform, aarhus, unit_ids, catcher
):
    due = (local_today() + timedelta(days=10)).isoformat()
    wanted = [
        (None, "governance.reporting"),
        (None, "governance.notes"),
        (unit_ids[0], "ownership.owners"),
        (unit_ids[0], "ownership.controls"),
        (unit_ids[1], "ownership.owners"),
        (unit_ids[2], "ownership.training"),
    ]
    addresses = [f"delegat{i}@aarhus.dk" for i in range(len(wanted))]
    sent_before = mails_sent(platform, "invitation")
    made = []
    for i, ((unit_id, key), address) in enumerate(zip(wanted, addresses, strict=True)):
        if i == 2:
            catcher.wait_for(addresses[0])
            catcher.stop()
        created = aarhus.api(
            "POST",
            "/delegations",
            json={
                "year": 2026,
                "unit_id": unit_id,
                "kind": "question",
                "question_keys": [key],
                "delegate_name": f"Delegat {i}",
                "delegate_email": address,
                "due_date": due,
            },
        )
        assert created.status_code == 201, created.text
        made.append(created.json()["id"])
    wait_for(
        lambda: aarhus.api("GET", f"/delegations/{made[-1]}").json()["mails"][0]["attempts"],
        timeout=20,
    )
    assert all(catcher.to(a) == [] for a in addresses[2:])
    catcher.start()
    for address in addresses:
        catcher.wait_for(address, timeout=30)
    # Once every invitation is marked sent the outbox sends none again: the count is final (the
    # catcher stores a message before it accepts it, so a duplicate would already be there).
    wait_for(lambda: mails_sent(platform, "invitation") >= sent_before + len(addresses), timeout=30)
    assert mails_sent(platform, "invitation") == sent_before + len(addresses)
    received = [m for a in addresses for m in catcher.to(a)]
    assert len(received) == len(addresses)
    assert len({m["Message-ID"] for m in received}) == len(addresses)


def test_scoring_killed_during_a_burst_then_scores_equal_a_recomputation(
    broker, platform, aarhus, unit_ids, event_path_only
):
    statuses: list[int] = []
    dead_before = len(list_dead_letters(broker.uri))

    def one_save(i: int) -> None:
        response = save(
            aarhus,
            [
                {"question_key": "governance.policy", "unit_id": None, "value": 1 + i % 5},
                {
                    "question_key": "ownership.training",
                    "unit_id": unit_ids[i % len(unit_ids)],
                    "value": (i * 7) % 101,
                },
                {
                    "question_key": "ownership.owners",
                    "unit_id": unit_ids[(i + 1) % len(unit_ids)],
                    "value": ["none", "some", "all"][i % 3],
                },
            ],
        )
        statuses.append(response.status_code)

    pool = eventlet.GreenPool(4)
    for i in range(40):
        pool.spawn(one_save, i)
    wait_for(lambda: len(statuses) >= 12, timeout=60)
    platform.kill("scoring")
    pool.waitall()
    assert statuses == [200] * 40
    platform.restart("scoring")
    # The saves made while scoring was dead waited in its queue; with the reconciler off only
    # their events can have brought the scores there, and none of them was dead-lettered.
    assert_scores_converge(broker, platform)
    assert reconcile_runs(platform) == 0
    assert len(list_dead_letters(broker.uri)) == dead_before


def test_broker_restart_during_a_burst_keeps_every_acknowledged_save(
    broker, platform, aarhus, unit_ids, reconciling
):
    results: dict[float, requests.Response | Exception] = {}
    back = Event()
    key, unit_id = "ownership.training", unit_ids[1]
    earlier = rpc(broker, "survey.get_answer_history", AARHUS, 2026, key, unit_id)
    last_revision_before = max((change["revision"] for change in earlier), default=0)

    def burst() -> None:
        successes_after = 0
        for i in range(100):
            value = i + 0.5  # halves: every other save of this answer writes whole numbers
            try:
                results[value] = save(
                    aarhus, [{"question_key": key, "unit_id": unit_id, "value": value}]
                )
            except requests.RequestException as exc:
                results[value] = exc
            if back.ready() and getattr(results[value], "status_code", 0) == 200:
                successes_after += 1
                if successes_after >= 5:
                    return
            eventlet.sleep(0.1)

    saving = eventlet.spawn(burst)
    wait_for(lambda: len(results) >= 5, timeout=30)
    broker.stop()
    eventlet.sleep(2)
    broker.start()
    back.send(True)
    saving.wait()

    acknowledged = {v for v, r in results.items() if getattr(r, "status_code", 0) == 200}
    refused = {v: r for v, r in results.items() if v not in acknowledged}
    assert refused, "the broker restart never reached a save"
    for value, response in refused.items():
        assert isinstance(response, requests.Response), f"save {value}: {response!r}"
        assert response.status_code == 503, (value, response.status_code, response.text)
        assert response.headers.get("Retry-After")
        assert response.json()["type"] == "urn:sikkerhedsbaseline:problem:service-unavailable"
    # Only changes the burst made count: a value written before it cannot stand in for a lost one.
    history = rpc(broker, "survey.get_answer_history", AARHUS, 2026, key, unit_id)
    stored = {
        change["new"]["value"] for change in history if change["revision"] > last_revision_before
    }
    assert acknowledged, "no save was acknowledged"
    assert acknowledged - stored == set()

    platform.wait_healthy(timeout=60)
    # Every event and RPC queue has its consumer again: each service reconnected by itself.
    wait_for(lambda: all_consumers_back(broker), timeout=60, interval=1)
    wait_for(lambda: aarhus.get("/healthz?deep=1").status_code == 200, timeout=60)
    assert_scores_converge(broker, platform)


def test_postgres_stopped_under_benchmark_is_a_503_for_that_part_only(
    benchmark_postgres, platform, aarhus, unit_ids
):
    assert aarhus.api("GET", "/rounds/2026/benchmark").status_code == 200
    benchmark_postgres.stop()
    try:
        refused = aarhus.api("GET", "/rounds/2026/benchmark")
        assert refused.status_code == 503, refused.text
        assert refused.json()["service"] == "benchmark"
        assert refused.headers.get("Retry-After")
        page = aarhus.get("/sammenligning")
        assert page.status_code == 503
        assert "benchmark" in page.text
        assert aarhus.api("GET", "/rounds/2026/scores").status_code == 200
        assert (
            save(
                aarhus, [{"question_key": "governance.policy", "unit_id": None, "value": 2}]
            ).status_code
            == 200
        )
        assert aarhus.get("/runder/2026/scorer").status_code == 200
        health = aarhus.get("/healthz?deep=1")
        assert health.status_code == 503
        assert {k for k, v in health.json()["services"].items() if v != "ok"} == {"benchmark"}
    finally:
        benchmark_postgres.start()
    wait_for(lambda: aarhus.api("GET", "/rounds/2026/benchmark").status_code == 200, timeout=30)
