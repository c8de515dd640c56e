"""KL's annual runs in the database: the run's job rows, progress counted from them, the
progress event and completion. A database adapter (no nameko); asking who took part stays in the
service.

Rules:

* every item of the plan is one job row, written in the run's transaction: ``due`` (the run's
  ``total``) is the number of rows, never a figure computed elsewhere;
* each row ends ``ready`` (built), ``failed`` or ``skipped`` (with its reason, never published);
  a run is complete only when due = built + failed + skipped, so a report that is neither built
  nor failed keeps the run open instead of vanishing from the count;
* progress is counted from the jobs, never kept in a counter two workers could both update; a
  run is marked completed by one conditional UPDATE, so exactly one worker announces it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from services.common import outbox
from services.common.outbox import utcnow
from services.reporting import jobs
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


def plan_jobs(db: Session, run: AnnualRun, items: list[jobs.Item]) -> None:
    """One job row per planned item in the caller's transaction; a skipped item is final at
    once, with its reason."""
    run.total = len(items)
    for item in items:
        final = {}
        if item.skipped:
            final = {"state": "skipped", "step": "skipped", "progress": 100, "error": item.skipped}
        db.add(
            ReportJob(
                kind=item.kind,
                year=run.year,
                municipality_id=item.municipality_id,
                unit_id=item.unit_id,
                format=jobs.ANNUAL_FORMAT,
                language=jobs.ANNUAL_LANGUAGE,
                run_id=run.id,
                item_key=item.key,
                requested_by=run.requested_by,
                **final,
            )
        )


def tally(total: int, found: dict[str, int]) -> dict[str, int]:
    """Due, built, failed, skipped and still pending: due = built + failed + skipped + pending."""
    built, failed, skipped = (found.get(state, 0) for state in jobs.FINAL_STATES)
    return {
        "due": total,
        "built": built,
        "failed": failed,
        "skipped": skipped,
        "pending": total - built - failed - skipped,
    }


def run_dict(db: Session, run: AnnualRun) -> dict:
    found = counts(db, run.id)
    return {
        **tally(run.total, found),
        "id": run.id,
        "year": run.year,
        "state": run.state,
        "requested_by": run.requested_by,
        "requested_at": iso(run.requested_at),
        "completed_at": iso(run.completed_at),
        "total": run.total,
        "done": found.get("ready", 0),
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
            **tally(run.total, found),
        },
        None,
    )


def job_progressed(db: Session, run_id: int) -> None:
    """Stage the progress event after one of the run's jobs was finished or failed."""
    progress_event(db, db.get(AnnualRun, run_id), counts(db, run_id))


def complete(db: Session, run_id: int) -> bool:
    """Mark the run completed once due = built + failed + skipped; True for the one worker that
    did (its event committed, to be relayed)."""
    run = db.get(AnnualRun, run_id)
    if run is None:
        return False
    found = counts(db, run_id)
    if tally(run.total, found)["pending"] != 0:
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
