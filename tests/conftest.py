"""Test harness: eventlet first, then a private RabbitMQ vhost and fresh PostgreSQL databases.

Services are tested against the real broker and database, as they run in production. Each test
session gets its own vhost (dropped and recreated) and databases named after the process id, so
a local run of the platform on the same machine is never disturbed.

Browser tests run in a session of their own (``BROWSER_TESTS=1``), without eventlet: Playwright's
driver hangs on a monkey-patched interpreter. Each kind of session ignores the other's tests.
"""

import os

BROWSER_SESSION = os.environ.get("BROWSER_TESTS") == "1"
if not BROWSER_SESSION:
    import eventlet

    eventlet.monkey_patch()

import subprocess  # noqa: E402
from pathlib import Path  # noqa: E402

os.environ.setdefault("SCORING_RECONCILE_SECONDS", "2")
import uuid  # noqa: E402

import pytest  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
RABBIT_HOST = os.environ.get("TEST_RABBIT_HOST", "127.0.0.1:5672")
VHOST = os.environ.get("TEST_RABBIT_VHOST", f"sikkerhedsbaseline_test_{os.getpid()}")


BROWSER_TESTS_DIR = Path(__file__).parent / "browser"


def pytest_ignore_collect(collection_path: Path, config) -> bool | None:  # noqa: ANN001
    """Browser tests only in a browser session, and nothing else there."""
    inside = collection_path == BROWSER_TESTS_DIR or BROWSER_TESTS_DIR in collection_path.parents
    if BROWSER_SESSION:
        outside = not inside and collection_path not in BROWSER_TESTS_DIR.parents
        return True if outside else None
    return True if inside else None


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="session")
def amqp_uri() -> str:
    """A private vhost for this session; deleted afterwards."""
    _rabbitmqctl("add_vhost", VHOST)
    _rabbitmqctl("set_permissions", "-p", VHOST, "guest", ".*", ".*", ".*")
    yield f"amqp://guest:guest@{RABBIT_HOST}/{VHOST}"
    _rabbitmqctl("delete_vhost", VHOST)


@pytest.fixture(scope="session")
def pg_database():
    """Factory of empty PostgreSQL databases, dropped at the end of the session."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    created = []

    def make(label: str) -> str:
        name = f"sbtest_{label}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"

    yield make
    with admin.connect() as conn:
        for name in created:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def service_config(amqp_uri, pg_database):
    """nameko config for one test: the private vhost, fresh databases, metrics on no port."""

    def make(*components: str) -> dict:
        cfg = {"AMQP_URI": amqp_uri, "max_workers": 10, "serializer": "json"}
        for component in components:
            cfg[f"DATABASE_URL_{component.upper()}"] = pg_database(component)
            cfg[f"METRICS_PORT_{component.upper()}"] = 0
        return cfg

    return make
