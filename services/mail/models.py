"""The mail service's one table: the outbox every e-mail of the platform leaves through."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.outbox import utcnow


class Base(DeclarativeBase):
    pass


class MailMessage(Base):
    """One e-mail. ``idempotency_key`` makes queueing a message twice impossible; ``reference``
    groups the mails of one thing of the caller (``delegation:42``); ``secret`` holds a link's
    clear token only until the mail is handed to SMTP."""

    __tablename__ = "mail_messages"
    __table_args__ = (Index("ix_mail_messages_pending", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(160), unique=True)
    municipality_id: Mapped[int] = mapped_column(Integer, index=True)
    reference: Mapped[str | None] = mapped_column(String(80), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    to_name: Mapped[str] = mapped_column(String(120))
    to_addr: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(120))
    secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    link_base: Mapped[str | None] = mapped_column(String(300), nullable=True)
    state: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
