"""When to remind a delegate.

Reminders follow a schedule of days before and after the due date (configurable). A reminder
is due when the latest schedule point that has arrived is later than the last mail the delegate
got (the invitation counts), so a missed timer tick catches up, and there is never more than one
reminder a day for a delegation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from services.delegation.states import EDITABLE


@dataclass(frozen=True)
class ReminderSchedule:
    before_days: tuple[int, ...] = (3, 1)
    overdue_days: tuple[int, ...] = (1, 3, 7)
    grace_days: int = 14

    @classmethod
    def parse(cls, before: str, overdue: str, grace: str) -> ReminderSchedule:
        """From environment strings like ``"3,1"``; blanks mean no reminders of that kind."""
        return cls(_days(before), _days(overdue), int(grace))


def _days(text: str) -> tuple[int, ...]:
    values = sorted({int(part) for part in text.replace(" ", "").split(",") if part})
    if any(v < 0 for v in values):
        raise ValueError(f"reminder days must be 0 or more, not {text!r}")
    return tuple(values)


def reminder_points(due_date: date, schedule: ReminderSchedule) -> list[tuple[date, str]]:
    """Every (day, kind) a reminder is planned for, in time order."""
    points = [(due_date - timedelta(days=d), "before") for d in schedule.before_days]
    points += [
        (due_date + timedelta(days=d), "overdue")
        for d in schedule.overdue_days
        if 0 < d <= schedule.grace_days
    ]
    return sorted(points)


def reminder_due(
    state: str,
    due_date: date,
    last_mailed_on: date | None,
    today: date,
    schedule: ReminderSchedule,
) -> tuple[date, str] | None:
    """The schedule point to remind for today, or None.

    Only a delegate who still has to act is reminded, and never twice on one day.
    """
    if state not in EDITABLE:
        return None
    if last_mailed_on is not None and last_mailed_on >= today:
        return None
    arrived = [p for p in reminder_points(due_date, schedule) if p[0] <= today]
    if not arrived:
        return None
    point = arrived[-1]
    if last_mailed_on is not None and last_mailed_on >= point[0]:
        return None
    return point
