"""Danish local time: the calendar day that due dates and reminders follow."""

from datetime import date, datetime

from services.common.localtime import local_today


def test_local_today_follows_copenhagen():
    assert local_today(datetime(2026, 6, 30, 22, 30)) == date(2026, 7, 1)
    assert local_today(datetime(2026, 6, 30, 21, 30)) == date(2026, 6, 30)
