"""The whole platform as processes, for end-to-end tests: one place that builds its set-up.

Every component gets its own fresh PostgreSQL database, every service its own metrics port,
the platform its own var/ folder, and the services' queues are emptied first, so end-to-end
files neither see each other's data nor a developer's local run.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from services.common.config import SERVICES
from tools.private_broker import free_port
from tools.processes import Platform, start_platform

COMPONENTS = (*SERVICES, "gateway")


def platform_env(amqp_uri: str, pg_database, tmp_path_factory, **extra: str) -> dict[str, str]:  # noqa: ANN001
    """The environment of a private platform, plus the test's own settings in ``extra``."""
    port = free_port()
    env = {
        "AMQP_URI": amqp_uri,
        "GATEWAY_PORT": str(port),
        "GATEWAY_SECRET_KEY": "e2e-secret-key-that-is-long-enough",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "PLATFORM_VAR_DIR": str(tmp_path_factory.mktemp("var")),
        "RPC_TIMEOUT": "10",
    }
    for component in COMPONENTS:
        env[f"DATABASE_URL_{component.upper()}"] = pg_database(component)
    for service in SERVICES:
        env[f"METRICS_PORT_{service.upper()}"] = str(free_port())
    env.update(extra)
    return env


def run_platform(env: dict[str, str], tmp_path_factory) -> Platform:  # noqa: ANN001
    """Start every service and the gateway on emptied queues; ``base_url`` is the gateway."""
    from services.benchmark.service import BenchmarkService
    from services.delegation.service import DelegationService
    from services.mail.service import MailService
    from services.reporting.service import ReportingService
    from services.scoring.service import ScoringService
    from services.survey.service import SurveyService
    from tests.support.services import fresh_queues

    fresh_queues(
        env["AMQP_URI"],
        SurveyService,
        ScoringService,
        DelegationService,
        BenchmarkService,
        ReportingService,
        MailService,
    )
    running = start_platform(env, tmp_path_factory.mktemp("logs"))
    running.base_url = f"http://127.0.0.1:{env['GATEWAY_PORT']}"
    return running


def add_users(env: dict[str, str], users: list[tuple], password: str) -> None:
    """Accounts straight into the gateway's database: (municipality, e-mail, name, role, unit)."""
    from gateway.identity.accounts import ensure_user_in_database

    for municipality, email, name, role, unit in users:
        ensure_user_in_database(
            municipality_id=municipality,
            email=email,
            name=name,
            role=role,
            password=password,
            unit_id=unit,
            database_url=env["DATABASE_URL_GATEWAY"],
        )


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@contextmanager
def private_vhost(amqp_uri: str, suffix: str) -> Iterator[str]:
    """A vhost of its own beside the session's, for a second platform that runs while the
    first is still up: on one vhost their services would answer each other's calls."""
    base, session_vhost = amqp_uri.rsplit("/", 1)
    name = f"{session_vhost}_{suffix}"
    _rabbitmqctl("add_vhost", name)
    _rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
    try:
        yield f"{base}/{name}"
    finally:
        _rabbitmqctl("delete_vhost", name)


@pytest.fixture(scope="module")
def catcher(tmp_path_factory) -> Iterator:  # noqa: ANN001
    """A real SMTP server on loopback for one test module's platform (tools/mail_catcher.py)."""
    from tests.delegation.mailbox import MailCatcher

    running = MailCatcher(tmp_path_factory.mktemp("mail")).start()
    yield running
    running.stop()


def smtp_env(catcher) -> dict[str, str]:  # noqa: ANN001
    """Platform settings that send its e-mail to the catcher."""
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(catcher.smtp_port), "SMTP_SECURITY": "none"}
