"""Delegate links: 256-bit random tokens, kept only as SHA-256 hashes, expiring and scoped.

The token is the whole capability (no account), so it is long enough that guessing is hopeless,
compared in constant time through its hash, and never stored or logged in clear. A link expires
at the end of the due date plus a grace period, in Danish local time, and moves with an
extension of the due date because the expiry is derived from the delegation, not the token.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time, timedelta

from services.common.localtime import LOCAL_TIME
from services.common.tokens import (  # noqa: F401 - the delegation's link rules, shared
    TOKEN_BYTES,
    TOKEN_PATTERN,
    looks_like_token,
    new_token,
    token_hash,
)


def expires_at(due_date: date, grace_days: int) -> datetime:
    """Naive UTC moment at which the link stops working: end of (due date + grace), local."""
    last_day = due_date + timedelta(days=grace_days)
    local_end = datetime.combine(last_day + timedelta(days=1), time(0, 0), tzinfo=LOCAL_TIME)
    return local_end.astimezone(UTC).replace(tzinfo=None)


def is_expired(due_date: date, grace_days: int, now: datetime) -> bool:
    """``now`` is naive UTC, as the services store times."""
    return now >= expires_at(due_date, grace_days)


def client_key(client: str | None) -> str:
    """What the rate limiter stores about a client: a hash, never the address itself."""
    return hashlib.sha256(f"delegate-link:{client or 'unknown'}".encode()).hexdigest()[:32]
