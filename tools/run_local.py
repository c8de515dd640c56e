"""Bring the whole platform up locally with demo data: ``scripts/run-local``.

Every service and the gateway run as their own processes against the local RabbitMQ (or, on a
bare machine, a private node under var/rabbitmq), each with its own SQLite database under var/
(or the DATABASE_URL_* given), exactly as deployed.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import signal
import subprocess
import sys
import time
import warnings

from services.common import config
from tools import private_broker
from tools.private_broker import RabbitNode
from tools.processes import BrokerUnreachable, check_broker, start_platform


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", default=os.environ.get("GATEWAY_PORT", "5000"))
    parser.add_argument("--no-demo", action="store_true", help="start without demo data")
    parser.add_argument(
        "--demo-only",
        action="store_true",
        help="load the demo data into a platform that already runs (docker compose) and exit",
    )
    args = parser.parse_args(argv)
    if args.demo_only:
        print_logins(load_demo())
        return 0
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    logging.getLogger("amqp").setLevel(logging.ERROR)
    env = {
        "GATEWAY_PORT": str(args.port),
        "GATEWAY_HOST": os.environ.get("GATEWAY_HOST", "127.0.0.1"),
        "AMQP_URI": config.amqp_uri(),
    }
    env.setdefault("GATEWAY_SECRET_KEY", os.environ.get("GATEWAY_SECRET_KEY", os.urandom(24).hex()))
    try:
        node = local_broker(env)
    except BrokerUnreachable as exc:
        print(f"\nKan ikke starte: {exc}", file=sys.stderr)
        return 2
    try:
        return run(env, args)
    finally:
        if node is not None:
            print("Stopper den private RabbitMQ-node ...")
            node.stop()


def run(env: dict[str, str], args: argparse.Namespace) -> int:
    """Start mail catcher, services and gateway, load demo data and wait for Ctrl-C."""
    print("Starter platformen (survey, scoring, delegation, benchmark, reporting, mail, gateway)")
    try:
        catcher, inbox = start_mail(env, args.port)
    except RuntimeError as exc:
        print(f"\nKan ikke starte den lokale mailserver: {exc}", file=sys.stderr)
        return 2
    try:
        platform = start_platform(env, config.VAR_DIR / "logs")
    except BaseException as exc:
        if catcher is not None:
            catcher.terminate()
        if not isinstance(exc, BrokerUnreachable):
            raise
        print(f"\nKan ikke starte: {exc}", file=sys.stderr)
        return 2
    if catcher is not None:
        platform.processes["smtp"] = catcher
    try:
        logins = [] if args.no_demo else load_demo()
        url = f"http://{env['GATEWAY_HOST']}:{args.port}/"
        print(f"\nPlatformen kører: {url}")
        print(f"Logfiler: {config.VAR_DIR / 'logs'}   Metrics: {url}metrics")
        print(inbox)
        print_logins(logins)
        print("\nStop med Ctrl-C.")
        while all(p.poll() is None for p in platform.processes.values()):
            time.sleep(1)
        dead = [n for n, p in platform.processes.items() if p.poll() is not None]
        print(f"Stoppede uventet: {', '.join(dead)}; se {config.VAR_DIR / 'logs'}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        platform.stop()


def local_broker(env: dict[str, str]) -> RabbitNode | None:
    """Use the broker that answers; on a bare machine start a private node under var/rabbitmq,
    installing Debian's rabbitmq-server first when it is missing.

    An AMQP_URI the operator set is used as given: a broker they named and cannot reach is an
    error to report, not a reason to quietly run on another one. LOCAL_AMQP_PROBE (host:port)
    replaces the address that is probed, so a bare machine can be tried on one that is not.
    Sets ``env["AMQP_URI"]`` (and the process's own, for the demo loader) to the private node.
    """
    probe = os.environ.get("LOCAL_AMQP_PROBE", "").strip()
    address = f"amqp://{probe}/" if probe else env["AMQP_URI"]
    try:
        check_broker(address)
        return None
    except BrokerUnreachable:
        if os.environ.get("AMQP_URI", "").strip():
            raise
    shown = probe or "127.0.0.1:5672"
    if not private_broker.installed():
        install_rabbitmq()
    folder = config.VAR_DIR / "rabbitmq"
    tag = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:8]
    node = RabbitNode(folder, name=f"sblocal{tag}@localhost")
    print(
        f"Ingen RabbitMQ svarer på {shown}; starter en privat RabbitMQ-node i {folder} "
        f"på port {node.port} (den stoppes igen med Ctrl-C) ..."
    )
    try:
        node.start()
    except RuntimeError as exc:
        raise BrokerUnreachable(str(exc)) from exc
    except BaseException:
        node.kill()
        raise
    env["AMQP_URI"] = os.environ["AMQP_URI"] = node.uri
    print(f"Den private RabbitMQ-node kører: {node.uri}")
    return node


def install_rabbitmq() -> None:
    """Install Debian's rabbitmq-server (root only; anyone else is told the command to run)."""
    if os.geteuid() != 0:
        raise BrokerUnreachable(
            "RabbitMQ er ikke installeret, og installationen kræver root. Kør:\n"
            "  sudo apt-get install -y rabbitmq-server\n"
            "og start derefter scripts/run-local igen."
        )
    print("RabbitMQ er ikke installeret; installerer Debians rabbitmq-server med apt-get ...")
    apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=apt_env)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "rabbitmq-server"],
            check=True,
            env=apt_env,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        raise BrokerUnreachable(f"Installationen af rabbitmq-server mislykkedes: {exc}") from exc


def start_mail(env: dict[str, str], port: str) -> tuple[object | None, str]:
    """Point the mail service's SMTP at a local catcher with a web inbox, unless
    SMTP_HOST names a mail server already; returns the process and a line to print."""
    env.setdefault(
        "PUBLIC_BASE_URL",
        os.environ.get("PUBLIC_BASE_URL", f"http://{env['GATEWAY_HOST']}:{port}"),
    )
    if os.environ.get("SMTP_HOST"):
        return None, f"E-mail sendes via {os.environ['SMTP_HOST']} (SMTP_HOST)."
    from tools import mail_catcher

    smtp_port = int(os.environ.get("MAIL_CATCHER_SMTP_PORT", "1025"))
    http_port = int(os.environ.get("MAIL_CATCHER_HTTP_PORT", "8025"))
    process = mail_catcher.start_process(
        config.VAR_DIR / "mail", smtp_port, http_port, config.VAR_DIR / "logs" / "mail.log"
    )
    env.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp_port), SMTP_SECURITY="none")
    inbox = f"http://127.0.0.1:{http_port}/"
    return process, f"E-mail-indbakke (lokal test-SMTP, alle e-mails lander her): {inbox}"


def print_logins(logins: list[tuple[str, str, str]]) -> None:
    if logins:
        from tools.demo_data import DEMO_PASSWORD

        print(f"\nDemo-logins (adgangskode for alle: {DEMO_PASSWORD}):")
        for municipality, email, role in logins:
            print(f"  kommune {municipality:>4}  {email:<28} {role}")


def load_demo() -> list[tuple[str, str, str]]:
    from nameko.standalone.rpc import ClusterRpcProxy

    from gateway.identity.accounts import ensure_user_in_database
    from tools import demo_data

    print("Indlæser demodata ...")
    with ClusterRpcProxy(config.nameko_config(), timeout=120) as rpc:
        return demo_data.load(rpc, ensure_user_in_database)


if __name__ == "__main__":
    sys.exit(main())
