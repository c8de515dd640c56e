"""Every service serves Prometheus metrics on its own port, with the shared histogram."""

import urllib.request

import pytest

from services.benchmark.service import BenchmarkService
from services.common import metrics
from services.delegation.service import DelegationService
from services.reporting.service import ReportingService
from services.survey.service import SurveyService
from tests.support.platform import free_port
from tests.support.services import rpc_proxy


@pytest.mark.parametrize(
    "service_cls", [SurveyService, DelegationService, BenchmarkService, ReportingService]
)
def test_service_answers_health_and_serves_metrics(container_factory, service_config, service_cls):
    config = service_config(service_cls.name)
    port = free_port()
    config[f"METRICS_PORT_{service_cls.name.upper()}"] = port
    container_factory(service_cls, config).start()
    with rpc_proxy(config) as rpc:
        health = getattr(rpc, service_cls.name).health()
    assert health == {"service": service_cls.name, "status": "ok"}
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        body = response.read().decode()
    expected = (
        'platform_entrypoint_latency_seconds_count{entrypoint="health",kind="rpc",'
        f'outcome="success",service="{service_cls.name}"}}'
    )
    assert expected in body


@pytest.mark.parametrize(("configured", "bound"), [("", "127.0.0.1"), ("0.0.0.0", "0.0.0.0")])  # noqa: S104
def test_metrics_listen_on_loopback_unless_configured(monkeypatch, configured, bound):
    monkeypatch.setenv("METRICS_HOST", configured)
    port = free_port()
    server = metrics.serve_metrics(port)
    try:
        assert server.server_address[0] == bound
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            assert "platform_entrypoint_latency_seconds" in response.read().decode()
    finally:
        server.shutdown()
        server.server_close()
        metrics._servers.pop(port)
