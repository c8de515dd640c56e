"""Lockout arithmetic for logins and links, without a database: easy to reason about and test.

Guessing is slowed by counting recent failures under a key (an account seen from one client, an
account from anywhere, one client against any account). ``limit`` failures within ``window``
lock the key until ``lockout`` after the newest of them. Attempts refused while locked are not
counted, so every lockout ends on its own; and since the per-account keys are cleared by a
success (a login or a completed password reset by e-mail), a victim can always get back in.
Links (``LINK_CLIENT``) count only refused links and slow only those: a link that works always
opens, since a 256-bit token cannot be guessed anyway and people behind one shared address must
not be able to lock each other out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Limit:
    """``failures`` within ``window`` lock the key for ``lockout`` after the newest one."""

    failures: int
    window: timedelta
    lockout: timedelta

    @property
    def horizon(self) -> timedelta:
        """How far back failures can still matter."""
        return self.window + self.lockout


MINUTES_15 = timedelta(minutes=15)
ACCOUNT_FROM_CLIENT = Limit(5, MINUTES_15, MINUTES_15)
ACCOUNT_ANYWHERE = Limit(30, MINUTES_15, MINUTES_15)
CLIENT = Limit(20, MINUTES_15, MINUTES_15)
LINK_CLIENT = Limit(20, MINUTES_15, MINUTES_15)
RESET_REQUESTS = Limit(3, timedelta(hours=1), timedelta(hours=1))


def locked_until(newest_first: list[datetime], limit: Limit, now: datetime) -> datetime | None:
    """When the key is locked now, the moment it opens again; ``newest_first`` needs at most
    ``limit.failures`` of the key's latest failures."""
    recent = newest_first[: limit.failures]
    if len(recent) < limit.failures:
        return None
    newest, oldest = recent[0], recent[-1]
    if newest - oldest > limit.window:
        return None
    until = newest + limit.lockout
    return until if until > now else None
