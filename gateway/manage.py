"""Operator commands: ``python -m gateway.manage create-user --municipality 101 ...`` and
``python -m gateway.manage purge-audit`` (remove audit entries older than the retention; the
gateway also does this by itself at most once an hour).

Without ``--password`` the password is asked for, so it does not end up in the shell history.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from gateway.db import session_scope
from gateway.identity.accounts import AccountError, create_user
from gateway.models import ROLES


def _municipality(value: str) -> int | None:
    if value.strip().lower() in ("", "kl", "none"):
        return None
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("a kommunekode such as 101, or 'kl'") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gateway.manage")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-user", help="create a login")
    create.add_argument(
        "--municipality",
        type=_municipality,
        default=None,
        help="kommunekode (e.g. 101); leave out or 'kl' for KL analysts and admins",
    )
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--unit", type=int, default=None, help="unit id (unit_lead only)")
    create.add_argument("--language", default="da", choices=("da", "en"))
    create.add_argument("--password", default=None, help="at least 12 characters")
    create.add_argument("--database-url", default=None, help="defaults to DATABASE_URL_GATEWAY")
    totp_off = commands.add_parser(
        "disable-totp", help="turn off two-step login for someone who lost the phone"
    )
    totp_off.add_argument("--municipality", type=_municipality, default=None)
    totp_off.add_argument("--email", required=True)
    totp_off.add_argument("--database-url", default=None, help="defaults to DATABASE_URL_GATEWAY")
    purge = commands.add_parser(
        "purge-audit", help="remove audit entries older than AUDIT_RETENTION_DAYS (default 730)"
    )
    purge.add_argument("--database-url", default=None, help="defaults to DATABASE_URL_GATEWAY")
    return parser


def disable_totp(municipality: int | None, email: str, database_url: str | None) -> int:
    from gateway import audit
    from gateway.identity import accounts

    with session_scope(database_url) as db:
        user = accounts.find_user(db, municipality, email)
        if user is None:
            print("error: no such user", file=sys.stderr)
            return 2
        accounts.disable_totp(db, user)
        audit.write(db, "totp.disabled", audit.Actor(None, "operatør", "system"), municipality)
    print(f"two-step login is off for {email}")
    return 0


def purge_audit(database_url: str | None) -> int:
    from gateway import audit

    with session_scope(database_url) as db:
        removed = audit.purge(db)
    print(f"removed {removed} audit entries older than {audit.retention().days} days")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "purge-audit":
        return purge_audit(args.database_url)
    if args.command == "disable-totp":
        return disable_totp(args.municipality, args.email, args.database_url)
    password = args.password
    if password is None:
        password = getpass.getpass("Password (min. 12 characters): ")
    try:
        with session_scope(args.database_url) as db:
            user = create_user(
                db,
                municipality_id=args.municipality,
                email=args.email,
                name=args.name,
                role=args.role,
                password=password,
                unit_id=args.unit,
                language=args.language,
            )
            user_id = user.id
    except AccountError as exc:
        print(f"error: {exc.field}: {exc}", file=sys.stderr)
        return 2
    print(f"created user {user_id} ({args.role})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
