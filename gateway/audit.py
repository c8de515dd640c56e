"""The audit trail: who did what, when, in which municipality.

The gateway mediates every action, so it keeps the trail: logins and failed logins, account
changes (invitations, roles, disabling, passwords, two-factor), and, through ``after_call`` in
``gateway.rpc.call``, every service call that changes something or hands out a report: answer
saves (page, API, delegate link), delegation actions, units, rounds, report downloads. A new
call site of an audited method is therefore audited without anyone remembering to.

What an entry may hold: ids, question keys, years, file names, the actor's name and role. Never
a password, a token, a delegate link or an answer text. Entries older than
``AUDIT_RETENTION_DAYS`` (default 730) are removed by ``purge``, which ``record`` runs at most
once an hour per process, so nobody has to schedule it; ``python -m gateway.manage purge-audit``
does it on demand.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from gateway.models import AuditEntry, utcnow
from services.common import config
from services.common.localtime import LOCAL_TIME

log = logging.getLogger(__name__)
PURGE_EVERY = timedelta(hours=1)
MAX_KEYS = 50
CSV_COLUMNS = ("time", "municipality", "actor", "role", "action", "target", "detail")
_last_purge: dict[str, datetime] = {}
# The families of actions a reader narrows the trail by (the part before the dot).
ACTION_GROUPS = (
    "login",
    "answers",
    "delegation",
    "user",
    "password",
    "totp",
    "report",
    "unit",
    "municipality",
    "account",
    "round",
    "questionnaire",
)


def retention() -> timedelta:
    days = int(config.env("AUDIT_RETENTION_DAYS", "730"))
    if days < 1:
        raise ValueError("AUDIT_RETENTION_DAYS must be at least 1")
    return timedelta(days=days)


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    name: str
    role: str


ANONYMOUS = Actor(None, "ukendt", "anonymous")
SYSTEM = Actor(None, "systemet", "system")


def write(
    db: Session,
    action: str,
    actor: Actor,
    municipality_id: int | None,
    target: str | None = None,
    detail: dict | None = None,
    now: datetime | None = None,
) -> AuditEntry:
    """Add one entry to the session (the caller commits it with the change it describes)."""
    now = now or utcnow()
    entry = AuditEntry(
        created_at=now,
        municipality_id=municipality_id,
        actor_user_id=actor.user_id,
        actor_name=actor.name[:200],
        actor_role=actor.role[:20],
        action=action[:40],
        target=None if target is None else str(target)[:200],
        detail=json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else None,
    )
    db.add(entry)
    maybe_purge(db, now)
    return entry


def purge(db: Session, now: datetime | None = None) -> int:
    """Remove entries older than the retention; the number removed (not committed)."""
    cutoff = (now or utcnow()) - retention()
    result = db.execute(delete(AuditEntry).where(AuditEntry.created_at < cutoff))
    return result.rowcount or 0


def maybe_purge(db: Session, now: datetime) -> None:
    """Purge at most once per hour per database in this process."""
    url = str(db.get_bind().url)
    last = _last_purge.get(url)
    if last is not None and now - last < PURGE_EVERY:
        return
    _last_purge[url] = now
    purge(db, now)


# -- what the service calls mean ------------------------------------------------------------


def _answer_keys(answers: Any) -> list[str]:
    """Which questions changed (and for which unit), never what was answered."""
    keys = []
    for answer in answers if isinstance(answers, list) else []:
        if not isinstance(answer, dict):
            continue
        key = str(answer.get("question_key", "?"))
        unit = answer.get("unit_id")
        keys.append(key if unit is None else f"{key} (enhed {unit})")
    return keys[:MAX_KEYS]


Arguments = dict[str, Any]


@dataclass(frozen=True)
class CallRule:
    """How an audited RPC becomes an entry: its action, and its target and detail read from the
    call's named arguments and its result."""

    action: str
    target: Callable[[Arguments, Any], Any] = lambda args, result: None
    detail: Callable[[Arguments, Any], dict | None] = lambda args, result: None
    national: bool = False


def _result_id(args: Arguments, result: Any) -> Any:
    return result.get("id") if isinstance(result, dict) else None


def _argument(name: str) -> Callable[[Arguments, Any], Any]:
    """The target is one of the call's arguments."""
    return lambda args, result: args.get(name)


AUDITED_CALLS: dict[tuple[str, str], CallRule] = {
    ("survey", "save_answers"): CallRule(
        "answers.saved",
        _argument("year"),
        lambda a, r: {"year": a.get("year"), "questions": _answer_keys(a.get("answers"))},
    ),
    ("survey", "copy_forward"): CallRule(
        "answers.copied",
        _argument("to_year"),
        lambda a, r: {"from_year": a.get("from_year"), "copied": (r or {}).get("copied")},
    ),
    ("survey", "create_unit"): CallRule("unit.created", _result_id),
    ("survey", "update_unit"): CallRule("unit.changed", _argument("unit_id")),
    ("survey", "delete_unit"): CallRule("unit.deleted", _argument("unit_id")),
    ("delegation", "create_delegation"): CallRule(
        "delegation.created", _result_id, lambda a, r: {"year": a.get("year")}
    ),
    ("delegation", "redelegate"): CallRule(
        "delegation.redelegated", _argument("delegation_id"), lambda a, r: {"new": _result_id(a, r)}
    ),
    ("delegation", "approve_delegation"): CallRule(
        "delegation.approved", _argument("delegation_id")
    ),
    ("delegation", "send_back_delegation"): CallRule(
        "delegation.sent_back", _argument("delegation_id")
    ),
    ("delegation", "extend_delegation"): CallRule(
        "delegation.extended",
        _argument("delegation_id"),
        lambda a, r: {"due_date": str(a.get("due_date"))},
    ),
    ("delegation", "revoke_delegation"): CallRule("delegation.revoked", _argument("delegation_id")),
    ("reporting", "download_report"): CallRule(
        "report.downloaded", _argument("job_id"), lambda a, r: {"file": (r or {}).get("filename")}
    ),
    ("reporting", "download_national_report"): CallRule(
        "report.downloaded",
        _argument("job_id"),
        lambda a, r: {"file": (r or {}).get("filename")},
        national=True,
    ),
    ("survey", "import_questionnaire"): CallRule(
        "questionnaire.imported",
        lambda a, r: (r or {}).get("year"),
        lambda a, r: {"version": (r or {}).get("version")},
        national=True,
    ),
    ("survey", "create_round"): CallRule("round.created", _argument("year"), national=True),
    ("survey", "open_round"): CallRule("round.opened", _argument("year"), national=True),
    ("survey", "close_round"): CallRule("round.closed", _argument("year"), national=True),
}

DELEGATE_CALLS = {("delegation", "delegate_save"), ("delegation", "delegate_submit")}


def entry_for_call(
    service: str,
    method: str,
    args: Arguments,
    result: Any,
    actor: Actor | None,
    tenant: int | None,
) -> dict | None:
    """The entry an RPC made by ``actor`` (in ``tenant``) with the named ``args`` deserves, or
    None when not audited. A delegate's save is attributed to the delegate, in the
    delegation's municipality."""
    if (service, method) in DELEGATE_CALLS:
        delegation = (result or {}).get("delegation") or {}
        if delegation.get("municipality_id") is None:
            log.warning("a delegate's %s came back without its municipality", method)
            return None
        name = delegation.get("delegate_name") or "delegeret"
        submitted = method == "delegate_submit"
        return {
            "action": "delegation.submitted" if submitted else "answers.saved",
            "actor": Actor(None, name, "delegate"),
            "municipality_id": delegation.get("municipality_id"),
            "target": delegation.get("year"),
            "detail": {
                "year": delegation.get("year"),
                "questions": _answer_keys(args.get("answers")),
            },
        }
    rule = AUDITED_CALLS.get((service, method))
    if rule is None or actor is None:
        return None
    return {
        "action": rule.action,
        "actor": actor,
        "municipality_id": None if rule.national else tenant,
        "target": rule.target(args, result),
        "detail": rule.detail(args, result),
    }


def after_call(service: str, method: str, args: Arguments, result: Any) -> None:
    """Record an audited RPC that just succeeded in this request (see ``rpc.call``), from its
    named arguments. The action has happened by now, so a failure to write the entry is logged,
    not shown."""
    from flask import g, has_request_context

    if not has_request_context():
        return
    user = g.get("user")
    actor = Actor(user.id, user.name, user.role) if user is not None else None
    tenant = user.municipality_id if user is not None else None
    entry = entry_for_call(service, method, args, result, actor, tenant)
    if entry is None:
        return
    from gateway.db import get_db

    db = get_db()
    try:
        write(db, **entry)
        db.commit()
    except Exception:
        db.rollback()
        log.exception("audit entry for %s.%s could not be written", service, method)


# -- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What a coordinator narrows the trail by; dates are Danish calendar days, inclusive."""

    date_from: date | None = None
    date_to: date | None = None
    action: str = ""
    actor: str = ""


def _local_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=LOCAL_TIME)


def entries(
    db: Session,
    municipality_id: int | None,
    filters: Filters,
    limit: int | None = None,
    national: bool = False,
) -> list[AuditEntry]:
    """Newest first. A municipality sees only its own entries; ``national`` (the admin) sees
    entries outside any municipality and every action an admin took (onboarding)."""
    query = select(AuditEntry)
    if national:
        query = query.where(
            or_(AuditEntry.municipality_id.is_(None), AuditEntry.actor_role == "admin")
        )
    else:
        query = query.where(AuditEntry.municipality_id == municipality_id)
    if filters.date_from:
        query = query.where(AuditEntry.created_at >= _local_midnight_utc(filters.date_from))
    if filters.date_to:
        end = _local_midnight_utc(filters.date_to + timedelta(days=1))
        query = query.where(AuditEntry.created_at < end)
    if filters.action:
        query = query.where(AuditEntry.action.startswith(filters.action))
    if filters.actor:
        query = query.where(AuditEntry.actor_name.ilike(f"%{filters.actor.strip()}%"))
    query = query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if limit:
        query = query.limit(limit)
    return list(db.scalars(query))


def as_dict(entry: AuditEntry) -> dict:
    return {
        "id": entry.id,
        "time": entry.created_at.isoformat(),
        "municipality_id": entry.municipality_id,
        "actor": entry.actor_name,
        "actor_user_id": entry.actor_user_id,
        "role": entry.actor_role,
        "action": entry.action,
        "target": entry.target,
        "detail": json.loads(entry.detail) if entry.detail else None,
    }


def _csv_cell(value: Any) -> str:
    """Spreadsheet formulas in a cell (a name starting with '=') are neutralised."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(rows: Iterable[AuditEntry], action_label: Callable[[str], str]) -> str:
    """Semicolon-separated with a BOM, as Danish Excel opens it; times in Danish local time."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for entry in rows:
        local = entry.created_at.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M:%S")
        writer.writerow(
            [
                _csv_cell(v)
                for v in (
                    local,
                    entry.municipality_id,
                    entry.actor_name,
                    entry.actor_role,
                    action_label(entry.action),
                    entry.target,
                    entry.detail,
                )
            ]
        )
    return out.getvalue()
