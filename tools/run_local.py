"""Bring the whole platform up locally with demo data: ``scripts/run-local``.

Every service and the gateway run as their own processes against the local RabbitMQ, each
with its own SQLite database under var/ (or the DATABASE_URL_* given), exactly as deployed.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
import warnings

from services.common import config
from tools.processes import BrokerUnreachable, start_platform


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
