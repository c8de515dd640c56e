"""The container image's commands (``python -m tools.processes run|check <component>``): the
health check the compose file uses must tell a running service from a missing one."""

import os
import subprocess
import sys
import urllib.request

import pytest

from services.common.config import REPO_ROOT
from services.survey.service import SurveyService
from tests.support.platform import free_port
from tests.support.services import wait_for
from tools import processes


def test_check_is_healthy_only_while_the_service_answers(
    container_factory, service_config, monkeypatch
):
    config = service_config("survey")
    monkeypatch.setenv("AMQP_URI", config["AMQP_URI"])
    assert processes.main(["check", "survey"]) == 1
    container_factory(SurveyService, config).start()
    assert processes.main(["check", "survey"]) == 0


def test_check_of_a_gateway_that_is_not_listening_fails(monkeypatch):
    monkeypatch.setenv("GATEWAY_PORT", str(free_port()))
    assert processes.main(["check", "gateway"]) == 1


def test_every_component_has_a_command():
    assert processes.command("gateway", "amqp://x") == [sys.executable, "-m", "gateway.wsgi"]
    survey = processes.command("survey", "amqp://broker/vhost")
    assert survey[1:] == [
        "run",
        "--broker",
        "amqp://broker/vhost",
        processes.SERVICE_CLASSES["survey"],
    ]
    with pytest.raises(SystemExit):
        processes.main(["run", "nosuchservice"])


def test_the_container_commands_start_a_service_and_the_gateway(amqp_uri, pg_database, tmp_path):
    """What docker-compose.yml runs: ``run`` becomes the component, ``check`` accepts it."""
    metrics_port, gateway_port = free_port(), free_port()
    env = {
        **os.environ,
        "AMQP_URI": amqp_uri,
        "PLATFORM_VAR_DIR": str(tmp_path),
        "DATABASE_URL_SURVEY": pg_database("survey"),
        "METRICS_PORT_SURVEY": str(metrics_port),
        "DATABASE_URL_GATEWAY": pg_database("gateway"),
        "GATEWAY_PORT": str(gateway_port),
    }
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "tools.processes", "run", component],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for component in ("survey", "gateway")
    ]
    try:

        def check(component: str) -> bool:
            result = subprocess.run(
                [sys.executable, "-m", "tools.processes", "check", component],
                cwd=REPO_ROOT,
                env=env,
                timeout=60,
            )
            return result.returncode == 0

        wait_for(lambda: check("survey"), timeout=60, interval=1)
        wait_for(lambda: check("gateway"), timeout=60, interval=1)
        with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5) as reply:
            assert b"platform_entrypoint_latency_seconds" in reply.read()
        assert all(process.poll() is None for process in started)
    finally:
        for process in started:
            process.terminate()
            process.wait(timeout=30)
