"""Private RabbitMQ and PostgreSQL servers that a fault test may stop, kill and restart.

The machine's own RabbitMQ and PostgreSQL serve every other test (and other people's runs) at
the same time, so they are never touched. A private RabbitMQ node has its own node name, ports,
Erlang cookie (``HOME``), database and logs in a temporary folder and no plugins (so it takes no
management or Prometheus port); restarted on the same folder it keeps its durable queues. A
private PostgreSQL cluster is made with ``initdb`` and run with ``pg_ctl`` on a free port, as
the ``postgres`` user when the tests run as root.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.support.platform import free_port

# rabbitmqctl's own Erlang distribution uses 35672-35682; a node must not take those.
CLI_PORTS = range(35672, 35683)


def _free_port_outside_cli_range() -> int:
    while True:
        port = free_port()
        if port not in CLI_PORTS:
            return port


def _rabbit_bin(name: str) -> str:
    """The real scripts: Debian's /usr/sbin wrappers switch to the rabbitmq user and its cookie."""
    direct = Path("/usr/lib/rabbitmq/bin") / name
    return str(direct) if direct.exists() else (shutil.which(name) or name)


class RabbitNode:
    """One private RabbitMQ node; ``uri`` is its AMQP address."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = _free_port_outside_cli_range()
        self.dist_port = _free_port_outside_cli_range()
        self.name = f"sbfault{os.getpid()}@localhost"
        self.process: subprocess.Popen | None = None
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "enabled_plugins").write_text("[].\n")

    @property
    def uri(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def env(self) -> dict[str, str]:
        folder = str(self.folder)
        return {
            **os.environ,
            "HOME": folder,
            "RABBITMQ_NODENAME": self.name,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
            "RABBITMQ_MNESIA_BASE": f"{folder}/mnesia",
            "RABBITMQ_LOG_BASE": f"{folder}/log",
            "RABBITMQ_ENABLED_PLUGINS_FILE": f"{folder}/enabled_plugins",
            "RABBITMQ_CONFIG_FILE": f"{folder}/rabbitmq",
            "RABBITMQ_ADVANCED_CONFIG_FILE": f"{folder}/advanced.config",
            "RABBITMQ_CONF_ENV_FILE": f"{folder}/rabbitmq-env.conf",
            "RABBITMQ_PID_FILE": f"{folder}/node.pid",
        }

    def ctl(self, *args: str, timeout: float = 90) -> None:
        subprocess.run(
            [_rabbit_bin("rabbitmqctl"), "-n", self.name, *args],
            env=self.env(),
            check=True,
            capture_output=True,
            timeout=timeout,
        )

    def consumers(self) -> dict[str, int]:
        """Consumers per queue of the default vhost (who is connected and listening)."""
        listed = subprocess.run(
            [_rabbit_bin("rabbitmqctl"), "-n", self.name, "-q", "list_queues", "name", "consumers"],
            env=self.env(),
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        rows = [line.split("\t") for line in listed.splitlines() if "\t" in line]
        return {name: int(count) for name, count in rows if count.isdigit()}

    def start(self) -> RabbitNode:
        log = open(self.folder / "server.out", "ab")  # noqa: SIM115 - owned by the process
        self.process = subprocess.Popen(
            [_rabbit_bin("rabbitmq-server")],
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        # await_startup gives up at once while the node is not yet registered with epmd.
        deadline = time.monotonic() + 90
        while True:
            try:
                self.ctl("await_startup", "--timeout", "60")
                return self
            except subprocess.CalledProcessError as exc:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"private RabbitMQ did not start; see {self.folder}/log: {exc.stderr!r}"
                    ) from exc
                time.sleep(0.5)

    def stop(self) -> None:
        """A clean broker shutdown: connections are closed, durable queues are kept."""
        if self.process is None:
            return
        try:
            self.ctl("stop")
            self.process.wait(timeout=60)
        except (subprocess.SubprocessError, OSError):
            self.kill()
        self.process = None

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self.process = None


class PostgresCluster:
    """A private PostgreSQL cluster on a free port; ``database(label)`` makes an empty database."""

    def __init__(self) -> None:
        versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version)
        if not versions:
            raise RuntimeError("PostgreSQL server binaries not found under /usr/lib/postgresql")
        self.bin = Path(versions[-1])
        self.folder = Path(tempfile.mkdtemp(prefix="sb-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def init(self) -> PostgresCluster:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        return self

    def start(self) -> PostgresCluster:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-o", options,
            "-w", "start",
        )  # fmt: skip
        return self

    def stop(self) -> None:
        """A real stop (fast shutdown: sessions are cut, as when the server goes down)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def database(self, label: str) -> str:
        name = f"sbfault_{label}"
        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def _version(path: str) -> float:
    try:
        return float(Path(path).parent.name)
    except ValueError:
        return 0.0
