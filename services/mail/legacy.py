"""The one-time move of delegation's old outbox (issue 13) into this service's database.

Before issue 13 every mail sat in ``mail_messages`` of the delegation database. Delegation's
migration 0002 renames that table to ``legacy_mail_messages`` instead of dropping it; this copies
its rows here, in every state (pending mails are sent from here on, sent and failed ones stay
visible on their delegation), and drops the old table only once every row is found here. Run
again, it copies nothing twice (the idempotency key is unique) and finds nothing left to do.

The rows are read as plain SQL rows: this module knows the old table's columns, not delegation's
code. Keys keep their old text, except reporting's ``notify:`` prefix, which its new calls no
longer send; a delegation's mails get the reference ``delegation:<id>``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, MetaData, Table, inspect, select

from services.mail.models import MailMessage

LEGACY_TABLE = "legacy_mail_messages"
COPIED_COLUMNS = (
    "municipality_id",
    "kind",
    "to_name",
    "to_addr",
    "subject",
    "text_body",
    "html_body",
    "message_id",
    "secret",
    "link_base",
    "state",
    "attempts",
    "next_attempt_at",
    "last_error",
    "created_at",
    "sent_at",
)


class MoveIncomplete(RuntimeError):
    pass


@dataclass(frozen=True)
class MoveReport:
    found: int
    copied: int
    dropped: bool


def new_key(old_key: str) -> str:
    """The key a caller sends now for the same mail, so that a retry after the upgrade finds it."""
    return old_key.removeprefix("notify:")


def converted(row: dict) -> dict:
    """An old outbox row as this service stores it; an old lease ends with the old sender."""
    values = {name: row[name] for name in COPIED_COLUMNS}
    values["idempotency_key"] = new_key(row["idempotency_key"])
    delegation_id = row.get("delegation_id")
    values["reference"] = f"delegation:{delegation_id}" if delegation_id is not None else None
    values["claimed_until"] = None
    return values


def move_legacy_outbox(source: Engine, target: Engine, batch: int = 500) -> MoveReport:
    """Copy every old row not here yet, check all arrived, then drop the old table."""
    if not inspect(source).has_table(LEGACY_TABLE):
        return MoveReport(found=0, copied=0, dropped=False)
    legacy = Table(LEGACY_TABLE, MetaData(), autoload_with=source)
    with source.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(legacy).order_by(legacy.c.id))]
    wanted = [converted(row) for row in rows]
    with target.begin() as conn:
        present = set(conn.scalars(select(MailMessage.idempotency_key)))
        fresh = [v for v in wanted if v["idempotency_key"] not in present]
        for start in range(0, len(fresh), batch):
            conn.execute(MailMessage.__table__.insert(), fresh[start : start + batch])
    with target.connect() as conn:
        present = set(conn.scalars(select(MailMessage.idempotency_key)))
    missing = [k for k in (new_key(r["idempotency_key"]) for r in rows) if k not in present]
    if missing:
        raise MoveIncomplete(f"{len(missing)} old mails did not arrive, e.g. {missing[0]!r}")
    with source.begin() as conn:
        legacy.drop(conn)
    return MoveReport(found=len(rows), copied=len(fresh), dropped=True)
