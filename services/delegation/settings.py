"""The delegation service's settings from the environment.

Read when used, not at import (except the timer interval, which nameko fixes at start), so a
test or an operator's change of the environment takes effect at the next call.
"""

from __future__ import annotations

from datetime import timedelta

from services.common import config
from services.delegation import scheduling

# A call to mail that a user's request waits for: short, so that a mail service that is away
# slows a page by at most this (the gateway's own timeout is longer), never fails it.
MAIL_CALL_SECONDS = 2.0
MAIL_BATCH = 50
REMINDER_SECONDS = float(config.env("DELEGATION_REMINDER_SECONDS", "300"))
DELEGATE_LINK_PATH = "/delegering/"


def grace_days() -> int:
    return int(config.env("DELEGATION_GRACE_DAYS", "14"))


def public_base_url() -> str:
    return config.env("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")


def overview_url(year: int) -> str:
    return f"{public_base_url()}/runder/{year}/delegeringer"


def reminder_schedule() -> scheduling.ReminderSchedule:
    return scheduling.ReminderSchedule.parse(
        config.env("DELEGATION_REMIND_BEFORE_DAYS", "3,1"),
        config.env("DELEGATION_REMIND_OVERDUE_DAYS", "1,3,7"),
        str(grace_days()),
    )


def link_window() -> timedelta:
    """How long a wrong link counts against its client."""
    return timedelta(minutes=float(config.env("DELEGATION_LINK_WINDOW_MINUTES", "15")))


def link_max_failures() -> int:
    return int(config.env("DELEGATION_LINK_MAX_FAILURES", "20"))


def digest_hour() -> int:
    """The local hour from which the daily digest goes out."""
    return int(config.env("DELEGATION_DIGEST_HOUR", "7"))
