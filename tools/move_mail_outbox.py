"""``python -m tools.move_mail_outbox``: the upgrade step of issue 13, run once by the operator.

Brings the delegation and mail databases to their newest migrations, copies the old outbox
(every state) into the mail service and drops it from delegation's database when all arrived.
Safe to run again, and before or after the services start: nothing is copied twice and a mail
service already sending does not meet a row twice (its keys are unique). Exit 1 when rows did
not arrive; the old table is then kept.
"""

from __future__ import annotations

import sys

from services.common import config
from services.common.db import create_db_engine, run_migrations
from services.mail import legacy

DELEGATION_MIGRATIONS = config.REPO_ROOT / "services" / "delegation" / "migrations"
MAIL_MIGRATIONS = config.REPO_ROOT / "services" / "mail" / "migrations"


def main() -> int:
    delegation_url = config.database_url("delegation")
    mail_url = config.database_url("mail")
    run_migrations(delegation_url, DELEGATION_MIGRATIONS)
    run_migrations(mail_url, MAIL_MIGRATIONS)
    source, target = create_db_engine(delegation_url), create_db_engine(mail_url)
    try:
        report = legacy.move_legacy_outbox(source, target)
    except legacy.MoveIncomplete as exc:
        print(f"The old mail outbox was kept: {exc}", file=sys.stderr)
        return 1
    finally:
        source.dispose()
        target.dispose()
    if report.dropped:
        print(f"Moved the old mail outbox: {report.found} mails, {report.copied} copied now.")
    else:
        print("No old mail outbox left to move.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
