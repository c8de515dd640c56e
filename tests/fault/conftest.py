"""One whole platform that the fault tests are allowed to hurt.

Every service and the gateway run as processes (``tests/support/platform.py``) on a private
RabbitMQ node, with the benchmark service's database on a private PostgreSQL cluster and the
mail service's SMTP server a mail catcher: the three things the tests stop and start.
The other components use fresh databases on the machine's PostgreSQL, which is never stopped.

Scoring starts with its periodic rebuild off (``SCORING_RECONCILE_SECONDS=0``): a test that
proves the event path must not pass through the reconciler. ``reconciliation`` switches it.
"""

from __future__ import annotations

import signal

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from tests.delegation.mailbox import MailCatcher
from tests.support.backing import PostgresCluster
from tests.support.platform import add_users, platform_env, run_platform, smtp_env
from tests.support.questionnaires import SMALL_2026
from tools.private_broker import RabbitNode

PASSWORD = "et-langt-kodeord-til-test"
AARHUS = 751
RECONCILE_SECONDS = "3"


@pytest.fixture(scope="package")
def broker(tmp_path_factory):
    node = RabbitNode(tmp_path_factory.mktemp("rabbit")).start()
    yield node
    node.kill()


@pytest.fixture(scope="package")
def benchmark_postgres():
    cluster = PostgresCluster().init().start()
    yield cluster
    cluster.destroy()


@pytest.fixture(scope="package")
def catcher(tmp_path_factory):
    running = MailCatcher(tmp_path_factory.mktemp("mail")).start()
    yield running
    running.stop()


@pytest.fixture(scope="package")
def platform(broker, benchmark_postgres, catcher, pg_database, tmp_path_factory):
    env = platform_env(
        broker.uri,
        pg_database,
        tmp_path_factory,
        DATABASE_URL_BENCHMARK=benchmark_postgres.database("benchmark"),
        **smtp_env(catcher),
        MAIL_RETRY_BASE_SECONDS="0.5",
        MAIL_RETRY_MAX_SECONDS="1",
        SCORING_RECONCILE_SECONDS="0",
        RPC_TIMEOUT="5",
    )
    running = run_platform(env, tmp_path_factory)
    try:
        with ClusterRpcProxy({"AMQP_URI": broker.uri}, timeout=30) as rpc:
            rpc.survey.import_questionnaire(SMALL_2026)
            rpc.survey.create_round(2026)
            rpc.survey.open_round(2026)
        add_users(
            env, [(AARHUS, "koordinator@aarhus.dk", "Mette Kjær", "coordinator", None)], PASSWORD
        )
        yield running
    finally:
        running.stop()


def reconciliation(platform, on: bool) -> None:  # noqa: ANN001
    """Restart scoring with its periodic rebuild on or off, unless it already runs that way."""
    wanted = RECONCILE_SECONDS if on else "0"
    if platform.env["SCORING_RECONCILE_SECONDS"] != wanted:
        platform.kill("scoring", signal.SIGTERM)
        platform.env["SCORING_RECONCILE_SECONDS"] = wanted
        platform.restart("scoring")
