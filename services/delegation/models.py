"""The delegation service's own tables: delegations, their questions, links, history, digests."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.outbox import OutboxMixin, utcnow


class Base(DeclarativeBase):
    pass


class Delegation(Base):
    """Questions of one round and one target (the municipality or a unit) handed to a person."""

    __tablename__ = "delegations"
    __table_args__ = (Index("ix_delegations_municipality_year", "municipality_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    municipality_id: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    unit_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    municipality_name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    area_key: Mapped[str | None] = mapped_column(String(80), nullable=True)
    question_keys: Mapped[list] = mapped_column(JSON)
    delegate_name: Mapped[str] = mapped_column(String(120))
    delegate_email: Mapped[str] = mapped_column(String(254))
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    due_date: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16), default="assigned", index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    review_comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    delegator_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    delegator_name: Mapped[str] = mapped_column(String(120))
    delegator_email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    delegator_role: Mapped[str] = mapped_column(String(20))
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("delegations.id"), nullable=True)
    last_mailed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class DelegatedQuestion(Base):
    """One question of a delegation. ``claim`` is set while the delegation is active and is
    unique, so the database itself keeps a question to one active delegation per unit."""

    __tablename__ = "delegated_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegations.id"), index=True)
    question_key: Mapped[str] = mapped_column(String(80))
    claim: Mapped[str | None] = mapped_column(String(160), nullable=True, unique=True)


class DelegationToken(Base):
    """A link sent to the delegate: only the SHA-256 of the token is kept."""

    __tablename__ = "delegation_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegations.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Transition(Base):
    """Every state change (and extension) with who did it and when."""

    __tablename__ = "delegation_transitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegations.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    from_state: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_state: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor_name: Mapped[str] = mapped_column(String(120))
    actor_role: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class DigestSubscription(Base):
    """A coordinator or unit lead who wants the daily digest."""

    __tablename__ = "digest_subscriptions"
    __table_args__ = (UniqueConstraint("municipality_id", "user_id", name="uq_digest_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    municipality_id: Mapped[int] = mapped_column(Integer, index=True)
    user_id: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    last_sent_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class LinkFailure(Base):
    """A refused delegate link, per hashed client, for the rate limit against guessing."""

    __tablename__ = "link_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_key: Mapped[str] = mapped_column(String(32), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class MailRequest(Base):
    """A ``mail.queue_mail`` call written in the transaction of the change that needs the mail,
    deleted once the mail service has it (the clear link token leaves with it)."""

    __tablename__ = "mail_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(160))
    reference: Mapped[str | None] = mapped_column(String(80), nullable=True, index=True)
    message: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class Outbox(OutboxMixin, Base):
    pass
