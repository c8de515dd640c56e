"""Checking a login: the password step and the two-factor code, with throttling.

Every failure looks the same to the caller, and guessing is slowed per account, per account and
client, and per client (``throttling`` via ``attempts``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete
from sqlalchemy.orm import Session

from gateway.identity import passwords, totp
from gateway.identity.accounts import account_key, find_user
from gateway.identity.attempts import KEEP_ATTEMPTS, login_locked_until, record_attempt
from gateway.models import (
    LoginAttempt,
    User,
    utcnow,
)

_DUMMY_HASH = passwords.hasher.hash("a password that no account has")


@dataclass(frozen=True)
class LoginResult:
    """The user on success; ``locked_until`` when throttled; both None for a wrong login."""

    user: User | None = None
    locked_until: datetime | None = None


def check_password(user: User | None, password: str) -> bool:
    """Verify in about the same time whether or not the user exists."""
    try:
        passwords.hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return user is not None


def authenticate(
    db: Session,
    municipality_id: int | None,
    email: str,
    password: str,
    ip: str,
    now: datetime | None = None,
) -> LoginResult:
    """Check a login and record the attempt (committed). Throttled attempts are not recorded,
    so a lockout ends 15 minutes after the failure that caused it. A user with two-factor login
    is returned too: the caller must still ask for the code (``verify_code``)."""
    now = now or utcnow()
    account = account_key(municipality_id, email)
    db.execute(delete(LoginAttempt).where(LoginAttempt.created_at < now - KEEP_ATTEMPTS))
    locked_until = login_locked_until(db, account, ip, now)
    if locked_until is not None:
        db.commit()
        return LoginResult(locked_until=locked_until)

    user = find_user(db, municipality_id, email)
    ok = check_password(user, password) and user is not None and user.active
    needs_code = ok and user.totp_secret is not None
    if not needs_code:
        record_attempt(db, "login", account, ip, ok, now)
    if ok and passwords.hasher.check_needs_rehash(user.password_hash):
        user.password_hash = passwords.hasher.hash(password)
    if ok and not needs_code:
        user.last_login_at = now
    db.commit()
    return LoginResult(user=user if ok else None)


def verify_code(
    db: Session, user: User, code: str, ip: str, now: datetime | None = None
) -> LoginResult:
    """The second step of a two-factor login; a wrong code counts as a failed login."""
    now = now or utcnow()
    account = account_key(user.municipality_id, user.email)
    locked_until = login_locked_until(db, account, ip, now)
    if locked_until is not None:
        return LoginResult(locked_until=locked_until)
    step = None
    if user.active and user.totp_secret:
        step = totp.verify(user.totp_secret, code, now.timestamp(), user.totp_last_step)
    record_attempt(db, "login", account, ip, step is not None, now)
    if step is not None:
        user.totp_last_step = step
        user.last_login_at = now
    db.commit()
    return LoginResult(user=user if step is not None else None)
