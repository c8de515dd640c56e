"""Accounts: creating users, checking passwords and throttling guessing.

Passwords are argon2id hashes. A login names its municipality (or KL), so the same e-mail may
exist in two municipalities as two accounts. Every failure looks the same to the caller, and
guessing is slowed per account and per client IP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from gateway.models import LANGUAGES, MUNICIPAL_ROLES, ROLES, LoginAttempt, User, utcnow
from gateway.sso import Identity, Refused

MIN_PASSWORD_LENGTH = 12
ACCOUNT_FAILURE_LIMIT = 5
IP_FAILURE_LIMIT = 20
THROTTLE_WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
KEEP_ATTEMPTS = timedelta(days=1)

hasher = PasswordHasher()
# The password hash of a user made by single sign-on: no password ever verifies against it.
NO_PASSWORD = "!sso"  # noqa: S105 - not a secret: a value no hash check accepts
_DUMMY_HASH = hasher.hash("a password that no account has")


class AccountError(ValueError):
    """A user cannot be created as asked; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class LoginResult:
    """The user on success; ``locked_until`` when throttled; both None for a wrong login."""

    user: User | None = None
    locked_until: datetime | None = None


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
    password: str,
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
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            "password", f"the password must have at least {MIN_PASSWORD_LENGTH} characters"
        )
    if language not in LANGUAGES:
        raise AccountError("language", f"language must be one of {', '.join(LANGUAGES)}")


def create_user(
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
    """Add a user (flushed, not committed); refuses duplicates and weak input."""
    _check_new_user(municipality_id, email, name, role, password, unit_id, language)
    if find_user(db, municipality_id, email) is not None:
        raise AccountError("email", "a user with this e-mail already exists there")
    user = User(
        municipality_id=municipality_id,
        email=normalise_email(email),
        name=name.strip(),
        role=role,
        unit_id=unit_id if role == "unit_lead" else None,
        password_hash=hasher.hash(password),
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


def _locked_until(
    db: Session,
    column: InstrumentedAttribute,
    value: str,
    limit: int,
    now: datetime,
    since: datetime | None = None,
) -> datetime | None:
    """When ``limit`` failures fell within the window, refuse until LOCKOUT after the last."""
    query = select(LoginAttempt.created_at).where(
        column == value,
        LoginAttempt.succeeded.is_(False),
        LoginAttempt.created_at > now - THROTTLE_WINDOW - LOCKOUT,
    )
    if since is not None:
        query = query.where(LoginAttempt.created_at > since)
    failures = list(db.scalars(query.order_by(LoginAttempt.created_at.desc()).limit(limit)))
    if len(failures) < limit:
        return None
    newest, oldest = failures[0], failures[-1]
    if newest - oldest > THROTTLE_WINDOW:
        return None
    until = newest + LOCKOUT
    return until if until > now else None


def _last_success(db: Session, account: str) -> datetime | None:
    return db.scalars(
        select(LoginAttempt.created_at)
        .where(LoginAttempt.account == account, LoginAttempt.succeeded.is_(True))
        .order_by(LoginAttempt.created_at.desc())
        .limit(1)
    ).first()


def check_password(user: User | None, password: str) -> bool:
    """Verify in about the same time whether or not the user exists."""
    try:
        hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
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
    so a lockout ends 15 minutes after the failure that caused it."""
    now = now or utcnow()
    account = account_key(municipality_id, email)
    db.execute(delete(LoginAttempt).where(LoginAttempt.created_at < now - KEEP_ATTEMPTS))
    locked = [
        _locked_until(
            db,
            LoginAttempt.account,
            account,
            ACCOUNT_FAILURE_LIMIT,
            now,
            since=_last_success(db, account),
        ),
        _locked_until(db, LoginAttempt.ip, ip, IP_FAILURE_LIMIT, now),
    ]
    locked_until = max((t for t in locked if t is not None), default=None)
    if locked_until is not None:
        db.commit()
        return LoginResult(locked_until=locked_until)

    user = find_user(db, municipality_id, email)
    ok = check_password(user, password) and user is not None and user.active
    db.add(LoginAttempt(account=account[:300], ip=ip[:64], succeeded=ok, created_at=now))
    if ok and hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    db.commit()
    return LoginResult(user=user if ok else None)


def set_password(db: Session, user: User, password: str) -> None:
    """Change a password and end the user's other sessions."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            "password", f"the password must have at least {MIN_PASSWORD_LENGTH} characters"
        )
    user.password_hash = hasher.hash(password)
    user.session_version += 1


def _find_by_subject(db: Session, municipality_id: int, subject: str) -> User | None:
    return db.scalars(
        select(User).where(User.municipality_id == municipality_id, User.oidc_subject == subject)
    ).first()


def provision_sso_user(db: Session, municipality_id: int, identity: Identity) -> User:
    """Create or update the user the identity provider vouched for (flushed, not committed).

    Found by the provider's subject, else by e-mail within the same municipality (an account
    made before single sign-on, or before the municipality changed provider), so a claim can
    never reach a user of another municipality. Role, unit, name and e-mail follow the provider.
    """
    user = _find_by_subject(db, municipality_id, identity.subject)
    same_email = find_user(db, municipality_id, identity.email)
    if user is None:
        user = same_email
    elif same_email is not None and same_email.id != user.id:
        raise Refused("email_taken")
    if user is None:
        user = User(
            municipality_id=municipality_id,
            password_hash=NO_PASSWORD,
            active=True,
            language="da",
        )
        db.add(user)
    elif not user.active:
        raise Refused("inactive")
    user.email = identity.email
    user.name = identity.name
    user.role = identity.role
    user.unit_id = identity.unit_id
    user.oidc_subject = identity.subject
    db.flush()
    return user


def end_sso_sessions(db: Session, municipality_id: int, subject: str) -> None:
    """The provider no longer gives this person a role: end their open sessions (not committed)."""
    user = _find_by_subject(db, municipality_id, subject)
    if user is not None:
        user.session_version += 1
