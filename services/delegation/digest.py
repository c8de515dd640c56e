"""The daily digest: when it is due and what it says.

A coordinator or unit lead who turned it on gets, once a day at or after the configured local
hour, one mail listing the active delegations they manage with counts of open, submitted,
overdue and failed-mail ones. Nothing is sent about nothing. The key ``digest:<sub>:<day>``
lets the mail service refuse a second digest for the same day.
"""

from __future__ import annotations

from datetime import date, datetime

ROW_FIELDS = ("delegate_name", "state", "due_date", "overdue", "mail_failed")


def digest_due(now_local: datetime, hour: int, last_sent_on: date | None) -> bool:
    """Once a day, at or after the configured local hour."""
    return now_local.hour >= hour and (last_sent_on is None or last_sent_on < now_local.date())


def digest_key(subscription_id: int, today: date) -> str:
    return f"digest:{subscription_id}:{today.isoformat()}"


def counts(rows: list[dict]) -> dict[str, int]:
    return {
        "open": len(rows),
        "submitted": sum(r["state"] == "submitted" for r in rows),
        "overdue": sum(bool(r["overdue"]) for r in rows),
        "failed": sum(bool(r["mail_failed"]) for r in rows),
    }


def digest_row(summary: dict, scope_name_da: str, scope_name_en: str) -> dict:
    """One line of the digest from a delegation's summary: only what the mail shows."""
    return {
        **{name: summary[name] for name in ROW_FIELDS},
        "scope_name_da": scope_name_da,
        "scope_name_en": scope_name_en,
    }


def digest_message(
    *,
    municipality_id: int,
    municipality_name: str,
    recipient_name: str,
    recipient_email: str,
    rows: list[dict],
    today: date,
    overview_url: str,
) -> dict:
    """The ``queue_mail`` message of one digest (the mail service renders it)."""
    return {
        "kind": "digest",
        "municipality_id": municipality_id,
        "reference": None,
        "to_name": recipient_name,
        "to_addr": recipient_email,
        "context": {
            "municipality_name": municipality_name,
            "recipient_name": recipient_name,
            "today": today.isoformat(),
            "rows": rows,
            "counts": counts(rows),
            "overview_url": overview_url,
        },
    }
