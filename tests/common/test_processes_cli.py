"""The container image's commands (``python -m tools.processes run|check <component>``): the
health check the compose file uses must tell a running service from a missing one."""

import sys

import pytest

from services.survey.service import SurveyService
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
    from tests.support.platform import free_port

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
