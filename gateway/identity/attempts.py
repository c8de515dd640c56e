"""The record of login, link and reset attempts that throttling counts.

``throttling`` holds the limits as plain rules; this module reads and writes the attempts they
are applied to (table ``login_attempts``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.identity import throttling
from gateway.models import (
    LoginAttempt,
)

KEEP_ATTEMPTS = timedelta(days=1)


def failures(db: Session, kind: str, now: datetime, limit: throttling.Limit, **match: str) -> list:
    query = select(LoginAttempt.created_at).where(
        LoginAttempt.kind == kind,
        LoginAttempt.succeeded.is_(False),
        LoginAttempt.created_at > now - limit.horizon,
    )
    for name, value in match.items():
        query = query.where(getattr(LoginAttempt, name) == value)
    if kind == "login" and "account" in match:
        since = last_success(db, match["account"])
        if since is not None:
            query = query.where(LoginAttempt.created_at > since)
    return list(db.scalars(query.order_by(LoginAttempt.created_at.desc()).limit(limit.failures)))


def last_success(db: Session, account: str) -> datetime | None:
    return db.scalars(
        select(LoginAttempt.created_at)
        .where(
            LoginAttempt.account == account,
            LoginAttempt.kind == "login",
            LoginAttempt.succeeded.is_(True),
        )
        .order_by(LoginAttempt.created_at.desc())
        .limit(1)
    ).first()


def login_locked_until(db: Session, account: str, ip: str, now: datetime) -> datetime | None:
    """The latest end of the three login lockouts that apply, or None."""
    checks = (
        (throttling.ACCOUNT_FROM_CLIENT, {"account": account, "ip": ip}),
        (throttling.ACCOUNT_ANYWHERE, {"account": account}),
        (throttling.CLIENT, {"ip": ip}),
    )
    ends = [
        throttling.locked_until(failures(db, "login", now, limit, **match), limit, now)
        for limit, match in checks
    ]
    return max((end for end in ends if end is not None), default=None)


def record_attempt(db: Session, kind: str, account: str, ip: str, ok: bool, now: datetime) -> None:
    db.add(LoginAttempt(kind=kind, account=account[:300], ip=ip[:64], succeeded=ok, created_at=now))
