"""The benchmark service's own database: what it projects from scoring and survey, and the
published figures of each round."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.outbox import utcnow


class Base(DeclarativeBase):
    pass


class KnownQuestionnaire(Base):
    __tablename__ = "questionnaires"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[str] = mapped_column(String(32))
    definition: Mapped[dict] = mapped_column(JSON)


class RoundState(Base):
    """A round's state as survey announced it; ``dirty`` means its figures must be recomputed."""

    __tablename__ = "rounds"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    state: Mapped[str] = mapped_column(String(10))
    dirty: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class MunicipalityScore(Base):
    """One municipality's scores in one round, as of scoring's ``revision``."""

    __tablename__ = "municipality_scores"

    municipality_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    overall: Mapped[float | None] = mapped_column(Float, nullable=True)
    completeness: Mapped[float | None] = mapped_column(Float, nullable=True)
    areas: Mapped[dict] = mapped_column(JSON, default=dict)
    questions: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RoundBenchmark(Base):
    """The published figures of a round: final once it is closed, preliminary while open.

    The document holds groups and figures only, never a municipality id.
    """

    __tablename__ = "benchmarks"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    state: Mapped[str] = mapped_column(String(12))
    document: Mapped[dict] = mapped_column(JSON)
    contributors: Mapped[int] = mapped_column(Integer, default=0)
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
