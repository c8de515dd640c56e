"""The gateway's own tables: user accounts, their one-time links, login attempts (for
throttling) and the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROLES = ("coordinator", "unit_lead", "respondent", "kl_analyst", "admin")
MUNICIPAL_ROLES = ("coordinator", "unit_lead", "respondent")
LANGUAGES = ("da", "en")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC and hands back aware UTC, so SQLite and PostgreSQL compare alike."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:  # noqa: ANN001
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:  # noqa: ANN001
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class User(Base):
    """A person who logs in. Municipal roles belong to one municipality; KL and admins to none."""

    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("municipality_id", "email", name="uq_users_municipality_email"),
        Index(
            "uq_users_email_without_municipality",
            "email",
            unique=True,
            sqlite_where=text("municipality_id IS NULL"),
            postgresql_where=text("municipality_id IS NULL"),
        ),
        Index("uq_users_municipality_oidc_subject", "municipality_id", "oidc_subject", unique=True),
        CheckConstraint(
            "role IN ('coordinator', 'unit_lead', 'respondent', 'kl_analyst', 'admin')",
            name="ck_users_role",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    municipality_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    language: Mapped[str] = mapped_column(String(2), default="da")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    totp_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)

    # "<issuer> <sub>" of a user who logs in through the municipality's identity provider.
    oidc_subject: Mapped[str | None] = mapped_column(String(512), nullable=True)

    # When the first-visit introduction was shown; None sends a coordinator there once.
    intro_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def invited(self) -> bool:
        """Invited but has not chosen a password yet (cannot log in); a user made by single
        sign-on logs in at the municipality's identity provider and is never "invited"."""
        return self.password_set_at is None and self.oidc_subject is None


class AccountToken(Base):
    """A one-time link for an account: an invitation or a password reset. Only the SHA-256
    of the token is kept; ``used_at`` makes it single-use."""

    __tablename__ = "account_tokens"
    __table_args__ = (
        CheckConstraint("purpose IN ('invitation', 'reset')", name="ck_account_tokens_purpose"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class LoginAttempt(Base):
    """One login attempt (``kind`` login), refused account link (link) or password-reset
    request (reset); recent ones per account and per client IP decide throttling."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_account", "account", "created_at"),
        Index("ix_login_attempts_ip", "ip", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account: Mapped[str] = mapped_column(String(300))
    ip: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8), default="login")
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class AuditEntry(Base):
    """Who did what, when, in which municipality (None: national, e.g. onboarding). ``detail``
    is a short JSON object of ids and keys: never a password, a token or an answer text."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_municipality_time", "municipality_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    municipality_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor_name: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str | None] = mapped_column(String(200), nullable=True)
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)
