"""The scoring service's projection: what it knows of questionnaires, units and answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.outbox import OutboxMixin, utcnow


class Base(DeclarativeBase):
    pass


class KnownQuestionnaire(Base):
    __tablename__ = "questionnaires"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[str] = mapped_column(String(32))
    definition: Mapped[dict] = mapped_column(JSON)


class UnitSet(Base):
    """The municipality's units as of ``revision``; older units_changed events are ignored."""

    __tablename__ = "unit_sets"

    municipality_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    unit_ids: Mapped[list] = mapped_column(JSON, default=list)


class ProjectedAnswer(Base):
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
    revision: Mapped[int] = mapped_column(Integer)


class ScoreSnapshot(Base):
    """Scores of one municipality in one round, recomputed whenever its answers change."""

    __tablename__ = "scores"

    municipality_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    result: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    stale: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Bumped on every recomputation and carried by scores_updated, so that a consumer (the
    # benchmark service) applies the newest scores whatever order the events arrive in.
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Outbox(OutboxMixin, Base):
    pass
