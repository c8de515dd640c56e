"""A private RabbitMQ node in a folder of its own: the one way to start a broker we own.

The fault suite starts one so it may stop, kill and restart it without touching the machine's
RabbitMQ, which serves every other test and other people's runs; the local run starts one under
``var/rabbitmq`` when no broker answers. The node has its own node name, ports (a free AMQP
port, a free Erlang distribution port, both outside rabbitmqctl's 35672-35682), Erlang cookie
(``HOME``), database and logs in the folder and no plugins (so it takes no management or
Prometheus port); restarted on the same folder it keeps its durable queues.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

# rabbitmqctl's own Erlang distribution uses 35672-35682; a node must not take those.
CLI_PORTS = range(35672, 35683)
RABBIT_BIN = Path("/usr/lib/rabbitmq/bin")


def free_port() -> int:
    """A TCP port nothing listens on now, outside rabbitmqctl's range."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in CLI_PORTS:
            return port


def rabbit_bin(name: str) -> str:
    """The real scripts: Debian's /usr/sbin wrappers switch to the rabbitmq user and its cookie."""
    direct = RABBIT_BIN / name
    return str(direct) if direct.exists() else (shutil.which(name) or name)


def installed() -> bool:
    """Is a RabbitMQ server on this machine (Debian's package or one on PATH)?"""
    return (RABBIT_BIN / "rabbitmq-server").exists() or shutil.which("rabbitmq-server") is not None


class RabbitNode:
    """One private RabbitMQ node; ``uri`` is its AMQP address."""

    def __init__(self, folder: Path, name: str | None = None) -> None:
        self.folder = folder
        self.port = free_port()
        self.dist_port = free_port()
        self.name = name or f"sbfault{os.getpid()}@localhost"
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
            [rabbit_bin("rabbitmqctl"), "-n", self.name, *args],
            env=self.env(),
            check=True,
            capture_output=True,
            timeout=timeout,
        )

    def consumers(self) -> dict[str, int]:
        """Consumers per queue of the default vhost (who is connected and listening)."""
        listed = subprocess.run(
            [rabbit_bin("rabbitmqctl"), "-n", self.name, "-q", "list_queues", "name", "consumers"],
            env=self.env(),
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        rows = [line.split("\t") for line in listed.splitlines() if "\t" in line]
        return {name: int(count) for name, count in rows if count.isdigit()}

    def start(self) -> RabbitNode:
        """Start the node in a session of its own (Ctrl-C does not reach it) and wait for it."""
        log = open(self.folder / "server.out", "ab")  # noqa: SIM115 - owned by the process
        self.process = subprocess.Popen(
            [rabbit_bin("rabbitmq-server")],
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
                    self.kill()
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
