"""The reporting service's own tables: report jobs, their files, KL's annual runs, the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.outbox import OutboxMixin, utcnow


class Base(DeclarativeBase):
    pass


class AnnualRun(Base):
    """KL's annual run of one closed round: every municipality and unit report plus the
    national one. One per year; its progress is counted from its jobs, never kept as a counter
    that two workers could both update."""

    __tablename__ = "annual_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    state: Mapped[str] = mapped_column(String(12), default="planned")
    requested_by: Mapped[str] = mapped_column(String(120))
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    total: Mapped[int] = mapped_column(Integer, default=0)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class ReportJob(Base):
    """One report to build. A job of an annual run has an ``item_key`` unique within the run,
    so planning the run twice (a redelivered request) cannot create a second job."""

    __tablename__ = "report_jobs"
    __table_args__ = (
        UniqueConstraint("run_id", "item_key", name="uq_report_jobs_run_item"),
        Index("ix_report_jobs_state", "state"),
        Index("ix_report_jobs_municipality", "municipality_id", "year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    municipality_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    unit_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    format: Mapped[str] = mapped_column(String(8))
    language: Mapped[str] = mapped_column(String(2))
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("annual_runs.id"), nullable=True, index=True
    )
    item_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    requested_by: Mapped[str] = mapped_column(String(120))
    requested_by_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    notify_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    notify_email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    notify_state: Mapped[str | None] = mapped_column(String(12), nullable=True)
    state: Mapped[str] = mapped_column(String(12), default="queued")
    step: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claim_token: Mapped[str | None] = mapped_column(String(32), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    retry_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    title: Mapped[str | None] = mapped_column(String(200), nullable=True)
    build_seconds: Mapped[float | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class ReportFile(Base):
    """The stored file of a finished job: one per job (the unique ``job_id`` makes recording a
    second build impossible), with its SHA-256 checksum, verified again on every download."""

    __tablename__ = "report_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("report_jobs.id"), unique=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(120))
    path: Mapped[str] = mapped_column(String(300))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Outbox(OutboxMixin, Base):
    """Events (report_ready, annual_run_progressed) written with the change they announce."""
