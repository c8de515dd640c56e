"""The survey service's own tables: municipalities, questionnaires, rounds, units, answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.outbox import OutboxMixin, utcnow


class Base(DeclarativeBase):
    pass


class Municipality(Base):
    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    region: Mapped[str] = mapped_column(String(40))
    population: Mapped[int] = mapped_column(Integer)
    units_revision: Mapped[int] = mapped_column(Integer, default=0)


class Questionnaire(Base):
    __tablename__ = "questionnaires"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    key: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    definition: Mapped[dict] = mapped_column(JSON)
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Round(Base):
    __tablename__ = "rounds"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    state: Mapped[str] = mapped_column(String(10), default="draft")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    responsible_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    responsible_email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Answer(Base):
    """The current answer to one question for a municipality (unit_key 0) or one unit."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("municipality_id", "year", "question_key", "unit_key", name="uq_answer"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    municipality_id: Mapped[int] = mapped_column(Integer, index=True)
    year: Mapped[int] = mapped_column(Integer)
    question_key: Mapped[str] = mapped_column(String(80))
    unit_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    unit_key: Mapped[int] = mapped_column(Integer, default=0)
    value: Mapped[object] = mapped_column(JSON, nullable=True)
    na: Mapped[bool] = mapped_column(Boolean, default=False)
    justification: Mapped[str | None] = mapped_column(Text, nullable=True)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    draft: Mapped[bool] = mapped_column(Boolean, default=False)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    answered_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    answered_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    answered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AnswerChange(Base):
    """Every change to an answer: who, when, old and new (the audit trail of answers)."""

    __tablename__ = "answer_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(Integer, index=True)
    revision: Mapped[int] = mapped_column(Integer)
    old: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    new: Mapped[dict] = mapped_column(JSON)
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor_name: Mapped[str] = mapped_column(String(120))
    actor_role: Mapped[str] = mapped_column(String(20))
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Outbox(OutboxMixin, Base):
    pass
