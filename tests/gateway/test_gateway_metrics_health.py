"""/metrics and /healthz."""

from __future__ import annotations

import re
from pathlib import Path

# Every label the gateway's /metrics may carry: ours (service, entrypoint, kind, outcome, reason,
# event, timer) and prometheus_client's own (buckets, gc generations, the Python version).
LABELS = {"service", "entrypoint", "kind", "outcome", "reason", "event", "timer", "le"}
LABELS |= {"generation", "implementation", "major", "minor", "patchlevel", "version"}

SERVICES = Path(__file__).resolve().parents[2] / "services"


def service_only_families() -> set[str]:
    """Metrics defined inside a service's own package: a gateway process never imports those
    (tests/common/test_import_rule.py), but this test session runs the services in-process too,
    so they may sit in the same registry here."""
    found = set()
    for path in SERVICES.glob("*/**/*.py"):
        if path.relative_to(SERVICES).parts[0] != "common":
            found |= set(
                re.findall(r'(?:Gauge|Counter|Histogram|Summary)\(\s*"([a-z_]+)"', path.read_text())
            )
    return found


def gateway_labels(exposition: str) -> set[str]:
    foreign = service_only_families()
    lines = [line for line in exposition.splitlines() if not line.startswith("#")]
    own = [line for line in lines if not any(line.startswith(name) for name in foreign)]
    return set(re.findall(r'[{,]([a-z_]+)="', "\n".join(own)))


def test_metrics_has_gateway_latency_histogram(client, login):
    login()
    client.get("/")
    client.get("/api/v1/nowhere")
    text = client.get("/metrics").text
    assert "platform_entrypoint_latency_seconds_bucket{" in text
    assert 'service="gateway"' in text
    assert 'entrypoint="dashboard.index",kind="http",outcome="success"' in text
    assert 'entrypoint="unknown",kind="http",outcome="client_error"' in text
    assert 'platform_logins_total{outcome="success"}' in text
    assert "101" not in [line.split("{")[0] for line in text.splitlines()]
    assert "koordinator@kk.dk" not in text


def test_metrics_outcome_error_for_503(client, login, fake_rpc):
    login()
    fake_rpc.down.add("survey")
    client.get("/enheder")
    text = client.get("/metrics").text
    assert 'entrypoint="units.index",kind="http",outcome="error"' in text


def test_healthz_shallow(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


def test_healthz_deep_reports_each_service(client, fake_rpc):
    response = client.get("/healthz?deep=1")
    assert response.status_code == 200
    assert response.get_json()["services"] == {
        name: "ok" for name in ("survey", "delegation", "scoring", "benchmark", "reporting", "mail")
    }
    fake_rpc.down.add("benchmark")
    response = client.get("/healthz?deep=1")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["services"]["benchmark"] == "unavailable"
    assert body["services"]["survey"] == "ok"


def test_metrics_are_public_as_documented_and_carry_no_tenant_label(app, client, login):
    """docs/security.md 13.4.5: /metrics answers anybody who reaches the gateway (the proxy
    must not forward it), so it may hold nothing about a municipality or a person."""
    login()
    client.get("/")
    client.get("/enheder")
    anonymous = app.test_client().get("/metrics")
    assert anonymous.status_code == 200
    assert "platform_report_jobs" in service_only_families()
    assert gateway_labels(anonymous.text) <= LABELS
    assert "koordinator@kk.dk" not in anonymous.text
