"""Start the services and the gateway as real processes, as an operator would.

Used by the local run, the end-to-end tests and the fault tests: one way to bring the platform
up, so that what the tests exercise is what people run.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from services.common.config import REPO_ROOT, SERVICES

SERVICE_CLASSES = {
    "survey": "services.survey.service:SurveyService",
    "scoring": "services.scoring.service:ScoringService",
    "delegation": "services.delegation.service:DelegationService",
    "benchmark": "services.benchmark.service:BenchmarkService",
    "reporting": "services.reporting.service:ReportingService",
    "mail": "services.mail.service:MailService",
}


class BrokerUnreachable(RuntimeError):
    pass


def check_broker(amqp_uri: str, timeout: float = 3.0) -> None:
    """Fail fast with a message a person can act on when RabbitMQ is not there."""
    parsed = urlparse(amqp_uri)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 5672
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return
    except OSError as exc:
        raise BrokerUnreachable(
            f"RabbitMQ is not reachable at {host}:{port} ({exc}).\n"
            "Start it with:  rabbitmq-server -detached   (or set AMQP_URI to a running broker)"
        ) from exc


def bin_path(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def command(name: str, amqp_uri: str) -> list[str]:
    """The command line of one component: a nameko service or the gateway (``gateway``)."""
    if name == "gateway":
        return [sys.executable, "-m", "gateway.wsgi"]
    return [bin_path("nameko"), "run", "--broker", amqp_uri, SERVICE_CLASSES[name]]


def service_healthy(amqp_uri: str, name: str, timeout: float = 2) -> bool:
    """Does the service answer its health RPC within the timeout?"""
    from nameko.standalone.rpc import ClusterRpcProxy

    try:
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=timeout) as rpc:
            getattr(rpc, name).health()
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        return False
    return True


def gateway_healthy(host: str, port: str, timeout: float = 2) -> bool:
    """Does the gateway answer ``/healthz`` (its own database reachable) with 200?"""
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://{host}:{port}/healthz", timeout=timeout) as reply:  # noqa: S310
            return reply.status == 200
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        return False


@dataclass
class Platform:
    """The processes of one running platform and the environment they share."""

    env: dict[str, str]
    log_dir: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def start_service(self, name: str) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - owned by the process
        proc = subprocess.Popen(
            command(name, self.env["AMQP_URI"]),
            cwd=REPO_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[name] = proc
        return proc

    def start_gateway(self) -> subprocess.Popen:
        log = open(self.log_dir / "gateway.log", "ab")  # noqa: SIM115 - owned by the process
        proc = subprocess.Popen(
            command("gateway", self.env["AMQP_URI"]),
            cwd=REPO_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes["gateway"] = proc
        return proc

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.processes.pop(name, None)
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=30)

    def restart(self, name: str, timeout: float = 90) -> None:
        """Start a service again (after ``kill``) and wait until it answers its health RPC."""
        self.start_service(name)
        self.wait_healthy((name,), timeout=timeout)

    def stop(self) -> None:
        for name in list(self.processes):
            proc = self.processes[name]
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for name in list(self.processes):
            proc = self.processes.pop(name)
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def wait_healthy(self, names: tuple[str, ...] = SERVICES, timeout: float = 90) -> None:
        """Block until every named service answers its health RPC."""
        deadline = time.monotonic() + timeout
        pending = list(names)
        while pending:
            for name in list(pending):
                proc = self.processes.get(name)
                if proc is not None and proc.poll() is not None:
                    log = self.log_dir / f"{name}.log"
                    raise RuntimeError(f"{name} exited with {proc.returncode}; see {log}")
                if service_healthy(self.env["AMQP_URI"], name):
                    pending.remove(name)
                elif time.monotonic() > deadline:
                    raise TimeoutError(f"{name} did not become healthy")
                else:
                    time.sleep(0.5)

    def wait_http(self, url: str, timeout: float = 30) -> None:
        import urllib.request

        deadline = time.monotonic() + timeout
        while True:
            proc = self.processes.get("gateway")
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(f"gateway exited; see {self.log_dir / 'gateway.log'}")
            try:
                with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - local URL
                    return
            except Exception:  # noqa: BLE001 - not up yet
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)


def start_platform(
    env: dict[str, str], log_dir: Path, services: tuple[str, ...] = SERVICES, gateway: bool = True
) -> Platform:
    log_dir.mkdir(parents=True, exist_ok=True)
    full_env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
    check_broker(full_env.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"))
    full_env.setdefault("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    platform = Platform(env=full_env, log_dir=log_dir)
    try:
        for name in services:
            platform.start_service(name)
        platform.wait_healthy(services)
        if gateway:
            platform.start_gateway()
            host = full_env.get("GATEWAY_HOST", "127.0.0.1")
            port = full_env.get("GATEWAY_PORT", "5000")
            platform.wait_http(f"http://{host}:{port}/healthz")
    except BaseException:
        platform.stop()
        raise
    return platform


def main(argv: list[str] | None = None) -> int:
    """``python -m tools.processes run|check <component>``: the container image's commands.

    ``run`` replaces this process with the component (one image, a command per service);
    ``check`` is the container health check: exit 0 when the component answers.
    """
    import argparse

    from services.common import config

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("action", choices=("run", "check"))
    parser.add_argument("component", choices=(*SERVICES, "gateway"))
    args = parser.parse_args(argv)
    if args.action == "run":
        argv_ = command(args.component, config.amqp_uri())
        os.execv(argv_[0], argv_)  # noqa: S606 - a fixed command line
    if args.component == "gateway":
        healthy = gateway_healthy("127.0.0.1", config.env("GATEWAY_PORT", "5000"))
    else:
        healthy = service_healthy(config.amqp_uri(), args.component, timeout=5)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
