"""A private platform for the benchmarks: its own vhost, databases, ports and var/ folder.

The bench runs on the same machine as developers' local runs, the tests and other people's
benches, so everything it creates is named after its process id and removed at the end; the
system RabbitMQ and PostgreSQL are only used, never restarted.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from services.common.config import REPO_ROOT
from tests.support.platform import free_port
from tools.processes import Platform, bin_path, start_platform

PG_ADMIN_URL = os.environ.get(
    "BENCH_PG_ADMIN_URL",
    os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
)
RABBIT_HOST = os.environ.get("BENCH_RABBIT_HOST", "127.0.0.1:5672")
ECHO_SERVICE = "bench.echo:EchoService"


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


class Databases:
    """Fresh PostgreSQL databases for the bench, dropped at the end."""

    def __init__(self) -> None:
        self.admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
        self.created: list[str] = []

    def make(self, label: str) -> str:
        name = f"bench_{label}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"

    def drop(self) -> None:
        with self.admin.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


class Vhost:
    """A private RabbitMQ vhost, deleted at the end."""

    def __init__(self) -> None:
        self.name = f"sikkerhedsbaseline_bench_{os.getpid()}"
        rabbitmqctl("add_vhost", self.name)
        rabbitmqctl("set_permissions", "-p", self.name, "guest", ".*", ".*", ".*")
        self.amqp_uri = f"amqp://guest:guest@{RABBIT_HOST}/{self.name}"

    def delete(self) -> None:
        rabbitmqctl("delete_vhost", self.name)


def peak_memory_kib(pid: int) -> int | None:
    """VmHWM (the resident set's high-water mark) of a running process, in KiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class BenchPlatform:
    """Every service but reporting (or the ``services`` asked for), the gateway and a bare echo
    service, all as processes.

    Reporting workers are started per annual run (``start_reporting``), each on its own fresh
    database, so a run measures a cold queue. ``peaks`` collects VmHWM of every process just
    before it is stopped.
    """

    SERVICES = ("survey", "scoring", "benchmark", "delegation", "mail")

    def __init__(self, services: tuple[str, ...] = SERVICES) -> None:
        self.services = services
        self.vhost = Vhost()
        self.databases = Databases()
        self.work = Path(tempfile.mkdtemp(prefix="bench-"))
        self.peaks: dict[str, int | None] = {}
        self.platform: Platform | None = None
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        self.env = {
            "AMQP_URI": self.vhost.amqp_uri,
            "GATEWAY_PORT": str(port),
            "GATEWAY_SECRET_KEY": "bench-secret-key-that-is-long-enough",
            # The forgot-password timing sends each request as if from its own address.
            "GATEWAY_TRUSTED_PROXIES": "1",
            "PUBLIC_BASE_URL": self.base_url,
            "PLATFORM_VAR_DIR": str(self.work / "var"),
            "RPC_TIMEOUT": "30",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(free_port()),
        }
        for component in (*services, "gateway"):
            self.env[f"DATABASE_URL_{component.upper()}"] = self.databases.make(component)
        for service in (*services, "reporting"):
            self.env[f"METRICS_PORT_{service.upper()}"] = "0"

    def start(self) -> Platform:
        self.platform = start_platform(self.env, self.work / "logs", services=self.services)
        log = open(self.platform.log_dir / "echo.log", "ab")  # noqa: SIM115 - owned by the process
        self.platform.processes["echo"] = subprocess.Popen(
            [bin_path("nameko"), "run", "--broker", self.env["AMQP_URI"], ECHO_SERVICE],
            cwd=REPO_ROOT,
            env=self.platform.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self.platform

    def start_reporting(self, workers: int, label: str) -> list[str]:
        """``workers`` reporting processes on one fresh database; returns their names."""
        assert self.platform is not None
        self.platform.env["DATABASE_URL_REPORTING"] = self.databases.make(f"reporting_{label}")
        self.platform.env["REPORTS_DIR"] = str(self.work / f"reports-{label}")
        names = []
        for number in range(workers):
            self.platform.start_service("reporting")
            name = f"reporting-{label}-{number + 1}"
            self.platform.processes[name] = self.platform.processes.pop("reporting")
            names.append(name)
        self.platform.processes["reporting"] = self.platform.processes[names[0]]
        self.platform.wait_healthy(("reporting",))
        self.platform.processes.pop("reporting")
        return names

    def stop_process(self, name: str) -> None:
        assert self.platform is not None
        self.peaks[name] = peak_memory_kib(self.platform.processes[name].pid)
        self.platform.kill(name, sig=15)

    def close(self) -> None:
        try:
            if self.platform is not None:
                for name in list(self.platform.processes):
                    self.peaks.setdefault(name, None)
                    self.peaks[name] = peak_memory_kib(self.platform.processes[name].pid)
                self.platform.stop()
        finally:
            self.databases.drop()
            self.vhost.delete()
            shutil.rmtree(self.work, ignore_errors=True)
