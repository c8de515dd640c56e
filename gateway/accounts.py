"""Accounts: creating and inviting users, one-time links, passwords, two-factor codes, and
throttling guessing.

Passwords are argon2id hashes. A login names its municipality (or KL), so the same e-mail may
exist in two municipalities as two accounts. Every failure looks the same to the caller, and
guessing is slowed per account, per account and client, and per client (``throttling``).
An invited account has no usable password until its holder follows the e-mailed link; links are
256-bit tokens stored as SHA-256 only, single-use and expiring. No Flask in here: the pages, the
CLI and the tests call the same functions.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from gateway import passwords, throttling, totp
from gateway.models import (
    LANGUAGES,
    MUNICIPAL_ROLES,
    ROLES,
    AccountToken,
    LoginAttempt,
    User,
    utcnow,
)
from gateway.sso import Identity, Refused
from services.common import config
from services.common.tokens import looks_like_token, new_token, token_hash

MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH
KEEP_ATTEMPTS = timedelta(days=1)
TOTP_ROLES = ("coordinator", "admin")
UNUSABLE_PASSWORD = "!"  # noqa: S105 - not a hash: argon2 refuses it, so nobody can log in

hasher = PasswordHasher()
# The password hash of a user made by single sign-on: no password ever verifies against it.
NO_PASSWORD = "!sso"  # noqa: S105 - not a secret: a value no hash check accepts
_DUMMY_HASH = hasher.hash("a password that no account has")


class AccountError(ValueError):
    """A user cannot be created or changed as asked; ``field`` names the input at fault and
    ``key`` the text (in ``gateway.i18n``) that tells the person what to do."""

    def __init__(self, field: str, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.key = key or f"account.error.{field}"


def link_lifetime(purpose: str) -> timedelta:
    """Invitations last days (the colleague may be away); a reset link an hour."""
    if purpose == "invitation":
        return timedelta(days=float(config.env("ACCOUNT_INVITATION_DAYS", "7")))
    return timedelta(minutes=float(config.env("PASSWORD_RESET_MINUTES", "60")))


@dataclass(frozen=True)
class IssuedLink:
    """A link's clear token (to be e-mailed, never stored) and when it stops working."""

    token: str
    expires_at: datetime


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
        password_hash=UNUSABLE_PASSWORD if password is None else hasher.hash(password),
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


def check_password(user: User | None, password: str) -> bool:
    """Verify in about the same time whether or not the user exists."""
    try:
        hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return user is not None


def _failures(db: Session, kind: str, now: datetime, limit: throttling.Limit, **match: str) -> list:
    query = select(LoginAttempt.created_at).where(
        LoginAttempt.kind == kind,
        LoginAttempt.succeeded.is_(False),
        LoginAttempt.created_at > now - limit.horizon,
    )
    for name, value in match.items():
        query = query.where(getattr(LoginAttempt, name) == value)
    if kind == "login" and "account" in match:
        since = _last_success(db, match["account"])
        if since is not None:
            query = query.where(LoginAttempt.created_at > since)
    return list(db.scalars(query.order_by(LoginAttempt.created_at.desc()).limit(limit.failures)))


def _last_success(db: Session, account: str) -> datetime | None:
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
        throttling.locked_until(_failures(db, "login", now, limit, **match), limit, now)
        for limit, match in checks
    ]
    return max((end for end in ends if end is not None), default=None)


def _attempt(db: Session, kind: str, account: str, ip: str, ok: bool, now: datetime) -> None:
    db.add(LoginAttempt(kind=kind, account=account[:300], ip=ip[:64], succeeded=ok, created_at=now))


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
        _attempt(db, "login", account, ip, ok, now)
    if ok and hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
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
    _attempt(db, "login", account, ip, step is not None, now)
    if step is not None:
        user.totp_last_step = step
        user.last_login_at = now
    db.commit()
    return LoginResult(user=user if step is not None else None)


def set_password(db: Session, user: User, password: str, now: datetime | None = None) -> None:
    """Change a password and end the user's sessions and open reset links."""
    check_new_password(password, user.email)
    now = now or utcnow()
    user.password_hash = hasher.hash(password)
    user.password_set_at = now
    user.session_version += 1
    _void_links(db, user, now)


def _void_links(db: Session, user: User, now: datetime, purpose: str | None = None) -> None:
    query = update(AccountToken).where(
        AccountToken.user_id == user.id, AccountToken.used_at.is_(None)
    )
    if purpose is not None:
        query = query.where(AccountToken.purpose == purpose)
    db.execute(query.values(used_at=now))


def issue_link(db: Session, user: User, purpose: str, now: datetime | None = None) -> IssuedLink:
    """A new single-use link token (returned in clear once, stored as a hash); earlier open
    links of the same purpose stop working."""
    now = now or utcnow()
    _void_links(db, user, now, purpose)
    token = new_token()
    expires = now + link_lifetime(purpose)
    db.add(
        AccountToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=expires,
        )
    )
    db.flush()
    return IssuedLink(token, expires)


def link_is_valid(link: AccountToken, now: datetime) -> bool:
    """Unused and not expired: the whole rule of a one-time link."""
    return link.used_at is None and now < link.expires_at


def find_link(
    db: Session, token: str, purpose: str, now: datetime | None = None
) -> tuple[AccountToken, User] | None:
    """The open link and its active user, or None for anything else (all look alike)."""
    if not looks_like_token(token):
        return None
    now = now or utcnow()
    link = db.scalars(
        select(AccountToken).where(
            AccountToken.token_hash == token_hash(token), AccountToken.purpose == purpose
        )
    ).first()
    if link is None or not link_is_valid(link, now):
        return None
    user = db.get(User, link.user_id)
    if user is None or not user.active:
        return None
    return link, user


def complete_link(
    db: Session, token: str, purpose: str, password: str, ip: str, now: datetime | None = None
) -> User | None:
    """Set the password through an invitation or reset link (committed). The link is used up,
    the user's sessions end, and the success clears the account's login lockout."""
    now = now or utcnow()
    found = find_link(db, token, purpose, now)
    if found is None:
        return None
    link, user = found
    set_password(db, user, password, now)
    link.used_at = now
    _void_links(db, user, now)
    _attempt(db, "login", account_key(user.municipality_id, user.email), ip, True, now)
    db.commit()
    return user


def link_locked(db: Session, ip: str, now: datetime | None = None) -> bool:
    """Too many refused links from this client lately (guessing tokens)."""
    now = now or utcnow()
    limit = throttling.LINK_CLIENT
    return throttling.locked_until(_failures(db, "link", now, limit, ip=ip), limit, now) is not None


def link_refused(db: Session, ip: str, now: datetime | None = None) -> None:
    _attempt(db, "link", "link", ip, False, now or utcnow())
    db.commit()


def request_reset(
    db: Session, municipality_id: int | None, email: str, ip: str, now: datetime | None = None
) -> tuple[User, IssuedLink] | None:
    """A reset link for an active account with a password, at most 3 an hour per account and
    per client; None otherwise. The caller says the same thing either way."""
    now = now or utcnow()
    account = account_key(municipality_id, email)
    limit = throttling.RESET_REQUESTS
    for match in ({"account": account}, {"ip": ip}):
        if throttling.locked_until(_failures(db, "reset", now, limit, **match), limit, now):
            return None
    _attempt(db, "reset", account, ip, False, now)
    user = find_user(db, municipality_id, email)
    if user is None or not user.active or user.invited:
        db.commit()
        return None
    link = issue_link(db, user, "reset", now)
    db.commit()
    return user, link


def invite_user(
    db: Session,
    *,
    municipality_id: int,
    email: str,
    name: str,
    role: str,
    unit_id: int | None = None,
    language: str = "da",
    now: datetime | None = None,
) -> tuple[User, IssuedLink]:
    """A new invited account and its invitation token (flushed, not committed). Inviting an
    address that is still invited sends a fresh link instead."""
    existing = find_user(db, municipality_id, email)
    if existing is not None:
        if not existing.invited or not existing.active:
            raise AccountError("email", "a user with this e-mail already exists there")
        return existing, issue_link(db, existing, "invitation", now)
    user = create_user(
        db,
        municipality_id=municipality_id,
        email=email,
        name=name,
        role=role,
        password=None,
        unit_id=unit_id,
        language=language,
    )
    return user, issue_link(db, user, "invitation", now)


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
        _void_links(db, user, now or utcnow())
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
