"""Danish local time and day names, shared by pages, e-mails and reports."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Europe/Copenhagen")
MONTHS = {
    "da": (
        "januar",
        "februar",
        "marts",
        "april",
        "maj",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def day_text(day: date, lang: str) -> str:
    """ "28. november 2026" in Danish, "28 November 2026" in English."""
    month = MONTHS.get(lang, MONTHS["da"])[day.month - 1]
    return f"{day.day}. {month} {day.year}" if lang == "da" else f"{day.day} {month} {day.year}"


def local_today(now: datetime | None = None) -> date:
    """Today in Denmark: due dates and reminders follow the municipality's calendar.

    ``now`` is naive UTC, as the services store times.
    """
    moment = now.replace(tzinfo=UTC) if now is not None else datetime.now(UTC)
    return moment.astimezone(LOCAL_TIME).date()
