"""KL's annual runs in the database: progress counted from their jobs, the progress event and
completion. A database adapter (no nameko); planning a run stays in the service.

Progress is counted from the jobs, never kept in a counter two workers could both update; a run
is marked completed by one conditional UPDATE, so exactly one worker announces it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from services.common import outbox
from services.common.outbox import utcnow
from services.reporting.models import AnnualRun, Outbox, ReportJob


def iso(moment: datetime | None) -> str | None:
    """A stored (naive UTC) moment as ISO 8601 with a Z, as the RPC replies carry it."""
    return moment.isoformat() + "Z" if moment else None


def counts(db: Session, run_id: int) -> dict[str, int]:
    """The run's jobs per state."""
    rows = db.execute(
        select(ReportJob.state, func.count())
        .where(ReportJob.run_id == run_id)
        .group_by(ReportJob.state)
    ).all()
    return {state: int(count) for state, count in rows}


def run_dict(db: Session, run: AnnualRun) -> dict:
    found = counts(db, run.id)
    return {
        "id": run.id,
        "year": run.year,
        "state": run.state,
        "requested_by": run.requested_by,
        "requested_at": iso(run.requested_at),
        "completed_at": iso(run.completed_at),
        "total": run.total,
        "done": found.get("ready", 0),
        "failed": found.get("failed", 0),
        "building": found.get("building", 0),
        "queued": found.get("queued", 0),
    }


def progress_event(db: Session, run: AnnualRun, found: dict[str, int]) -> None:
    """Stage ``annual_run_progressed`` in the caller's transaction."""
    outbox.add_event(
        db,
        Outbox,
        "annual_run_progressed",
        {
            "run_id": run.id,
            "year": run.year,
            "state": run.state,
            "total": run.total,
            "done": found.get("ready", 0),
            "failed": found.get("failed", 0),
        },
        None,
    )


def job_progressed(db: Session, run_id: int) -> None:
    """Stage the progress event after one of the run's jobs was finished or failed."""
    progress_event(db, db.get(AnnualRun, run_id), counts(db, run_id))


def complete(db: Session, run_id: int) -> bool:
    """Mark the run completed once every job is ready or failed; True for the one worker that
    did (its event committed, to be relayed)."""
    run = db.get(AnnualRun, run_id)
    found = counts(db, run_id)
    if run is None or found.get("ready", 0) + found.get("failed", 0) < run.total:
        return False
    moved = db.execute(
        update(AnnualRun)
        .where(AnnualRun.id == run_id, AnnualRun.state != "completed")
        .values(state="completed", completed_at=utcnow())
    )
    if moved.rowcount != 1:
        db.rollback()
        return False
    db.refresh(run)
    progress_event(db, run, found)
    db.commit()
    return True
