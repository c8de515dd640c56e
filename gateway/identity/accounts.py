"""Accounts: creating, changing and disabling users, their passwords and two-factor login.

A login names its municipality (or KL), so the same e-mail may exist in two municipalities as
two accounts. Passwords are argon2id hashes (``passwords.hasher``). An invited account has no
usable password until its holder follows the e-mailed link (``links``). No Flask in here: the
pages, the CLI and the tests call the same functions.
"""

from __future__ import annotations

import time
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gateway.identity import passwords, totp
from gateway.models import (
    LANGUAGES,
    MUNICIPAL_ROLES,
    ROLES,
    AccountToken,
    User,
    utcnow,
)

MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH


TOTP_ROLES = ("coordinator", "admin")


UNUSABLE_PASSWORD = "!"  # noqa: S105 - not a hash: argon2 refuses it, so nobody can log in


class AccountError(ValueError):
    """A user cannot be created or changed as asked; ``field`` names the input at fault and
    ``key`` the text (in ``gateway.i18n``) that tells the person what to do."""

    def __init__(self, field: str, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.key = key or f"account.error.{field}"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def account_key(municipality_id: int | None, email: str) -> str:
    """The throttling key of a login: municipality (or ``kl``) plus e-mail."""
    prefix = "kl" if municipality_id is None else str(municipality_id)
    return f"{prefix}:{normalise_email(email)}"


def find_user(db: Session, municipality_id: int | None, email: str) -> User | None:
    query = select(User).where(User.email == normalise_email(email))
    if municipality_id is None:
        query = query.where(User.municipality_id.is_(None))
    else:
        query = query.where(User.municipality_id == municipality_id)
    return db.scalars(query).first()


def _check_new_user(
    municipality_id: int | None,
    email: str,
    name: str,
    role: str,
    password: str | None,
    unit_id: int | None,
    language: str,
) -> None:
    if role not in ROLES:
        raise AccountError("role", f"role must be one of {', '.join(ROLES)}")
    if role in MUNICIPAL_ROLES and municipality_id is None:
        raise AccountError("municipality", f"a {role} belongs to a municipality")
    if role not in MUNICIPAL_ROLES and municipality_id is not None:
        raise AccountError("municipality", f"a {role} has no municipality")
    if role == "unit_lead" and unit_id is None:
        raise AccountError("unit", "a unit_lead needs the id of the unit they lead")
    if "@" not in email.strip() or len(email.strip()) > 254:
        raise AccountError("email", "not a valid e-mail address")
    if not name.strip():
        raise AccountError("name", "the name is empty")
    if password is not None:
        check_new_password(password, email)
    if language not in LANGUAGES:
        raise AccountError("language", f"language must be one of {', '.join(LANGUAGES)}")


def check_new_password(password: str, email: str = "") -> None:
    """Refuse a password the policy does not allow (``passwords.problem``)."""
    problem = passwords.problem(password, email)
    if problem is not None:
        raise AccountError("password", passwords.MESSAGES[problem], key=problem)


def create_user(
    db: Session,
    *,
    municipality_id: int | None,
    email: str,
    name: str,
    role: str,
    password: str | None,
    unit_id: int | None = None,
    language: str = "da",
) -> User:
    """Add a user (flushed, not committed); refuses duplicates and weak input. Without a
    password the account is invited: nobody can log in to it until a link sets one."""
    _check_new_user(municipality_id, email, name, role, password, unit_id, language)
    if find_user(db, municipality_id, email) is not None:
        raise AccountError("email", "a user with this e-mail already exists there")
    user = User(
        municipality_id=municipality_id,
        email=normalise_email(email),
        name=name.strip(),
        role=role,
        unit_id=unit_id if role == "unit_lead" else None,
        password_hash=UNUSABLE_PASSWORD if password is None else passwords.hasher.hash(password),
        password_set_at=None if password is None else utcnow(),
        active=True,
        language=language,
    )
    db.add(user)
    db.flush()
    return user


def ensure_user(
    db: Session,
    *,
    municipality_id: int | None,
    email: str,
    name: str,
    role: str,
    password: str,
    unit_id: int | None = None,
    language: str = "da",
) -> User:
    """The existing user with this municipality and e-mail, or a new one: safe to run twice."""
    existing = find_user(db, municipality_id, email)
    if existing is not None:
        return existing
    return create_user(
        db,
        municipality_id=municipality_id,
        email=email,
        name=name,
        role=role,
        password=password,
        unit_id=unit_id,
        language=language,
    )


def ensure_user_in_database(
    *,
    municipality_id: int | None,
    email: str,
    name: str,
    role: str,
    password: str,
    unit_id: int | None = None,
    language: str = "da",
    database_url: str | None = None,
) -> int:
    """``ensure_user`` in its own migrated session (demo loader, end-to-end tests); the user id."""
    from gateway.db import session_scope

    with session_scope(database_url) as db:
        user = ensure_user(
            db,
            municipality_id=municipality_id,
            email=email,
            name=name,
            role=role,
            password=password,
            unit_id=unit_id,
            language=language,
        )
        return user.id


def set_password(db: Session, user: User, password: str, now: datetime | None = None) -> None:
    """Change a password and end the user's sessions and open reset links."""
    check_new_password(password, user.email)
    now = now or utcnow()
    user.password_hash = passwords.hasher.hash(password)
    user.password_set_at = now
    user.session_version += 1
    void_links(db, user, now)


def void_links(db: Session, user: User, now: datetime, purpose: str | None = None) -> None:
    query = update(AccountToken).where(
        AccountToken.user_id == user.id, AccountToken.used_at.is_(None)
    )
    if purpose is not None:
        query = query.where(AccountToken.purpose == purpose)
    db.execute(query.values(used_at=now))


def change_role(db: Session, user: User, role: str, unit_id: int | None) -> None:
    """A new municipal role (and unit for a unit lead); effective on the user's next request."""
    if role not in MUNICIPAL_ROLES:
        raise AccountError("role", f"role must be one of {', '.join(MUNICIPAL_ROLES)}")
    if role == "unit_lead" and unit_id is None:
        raise AccountError("unit", "a unit_lead needs the id of the unit they lead")
    if role not in TOTP_ROLES:
        user.totp_secret, user.totp_last_step = None, None
    user.role = role
    user.unit_id = unit_id if role == "unit_lead" else None
    db.flush()


def set_active(db: Session, user: User, active: bool, now: datetime | None = None) -> None:
    """Disable (every session ends at once, open links stop working) or enable again."""
    user.active = active
    if not active:
        user.session_version += 1
        void_links(db, user, now or utcnow())
    db.flush()


def enable_totp(db: Session, user: User, secret: str, code: str, now: float | None = None) -> bool:
    """Turn on two-factor login once the person proves their app shows the right codes."""
    if user.role not in TOTP_ROLES:
        raise AccountError("role", "two-factor login is for coordinators and admins")
    step = totp.verify(secret, code, time.time() if now is None else now, None)
    if step is None:
        return False
    user.totp_secret, user.totp_last_step = secret, step
    user.session_version += 1
    db.flush()
    return True


def disable_totp(db: Session, user: User) -> None:
    user.totp_secret, user.totp_last_step = None, None
    db.flush()
