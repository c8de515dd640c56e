"""The build of one report job: claim, collect, assemble, render, store, then finish or fail.

No nameko: the service hands in its database session and a function that collects the figures
over RPC, and does what follows a commit (relaying events, completing a run, the e-mail).
How a build stays exactly-once (see docs/architecture.md, "Reporting"):

* a build first claims its job (a conditional UPDATE with a lease and a claim token); a job that
  is ready or held by a live build is skipped, so a duplicate message does nothing;
* every step renews the lease while the claim holds; a build that lost its claim stops;
* the file is written under a name of its own and recorded in the transaction that marks the job
  ready, only if the claim still holds; ``report_files.job_id`` is unique, so a job can never
  get a second file, and a build that lost its claim removes its own file;
* a failure that may pass puts the job back in the queue with a back-off; missing data, or the
  last attempt, fails it for good.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import eventlet
from eventlet import tpool
from eventlet.semaphore import Semaphore
from prometheus_client import Counter
from sqlalchemy import and_, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.common import config, outbox
from services.common.errors import NotFound, ValidationFailed
from services.common.outbox import utcnow
from services.common.report_options import FORMATS
from services.reporting import jobs, runs, storage
from services.reporting.assembly import assemble
from services.reporting.models import Outbox, ReportFile, ReportJob
from services.reporting.render import render

LEASE_SECONDS = float(config.env("REPORTING_LEASE_SECONDS", "300"))
COLLECT_TIMEOUT = float(config.env("REPORTING_COLLECT_TIMEOUT", "120"))
log = logging.getLogger(__name__)

REPORTS_BUILT = Counter(
    "platform_reports_built_total", "Report files built and recorded.", ["kind", "format"]
)
REPORT_FAILURES = Counter(
    "platform_report_build_failures_total",
    "Report builds that failed (retried later unless permanent).",
    ["kind", "permanent"],
)

# WeasyPrint and friends are CPU-bound: one render at a time per process, in a real thread, so
# that the eventlet hub keeps answering RPC calls while a report is drawn.
_render_slot = Semaphore(1)


class LostClaim(Exception):
    """Another build took the job over; this build stops and records nothing."""


@dataclass(frozen=True)
class Stored:
    """A file written for a job, not yet recorded."""

    relative: str
    sha256: str
    size: int
    filename: str
    title: str
    seconds: float


def claim(db: Session, job_id: int, redelivered: bool) -> str | None:
    """The claim token if this build may take the job (queued and due, or its holder gone)."""
    now = utcnow()
    taken_over = ReportJob.claimed_until < now
    if redelivered:
        # The consumer that held this message is gone (RabbitMQ only redelivers then).
        taken_over = or_(taken_over, ReportJob.claimed_until.is_not(None))
    token = secrets.token_hex(8)
    claimed = db.execute(
        update(ReportJob)
        .where(
            ReportJob.id == job_id,
            or_(
                and_(
                    ReportJob.state == "queued",
                    or_(ReportJob.retry_at.is_(None), ReportJob.retry_at <= now),
                ),
                and_(ReportJob.state == "building", taken_over),
            ),
        )
        .values(
            state="building",
            step="collecting",
            progress=jobs.STEPS["collecting"],
            claim_token=token,
            claimed_until=now + timedelta(seconds=LEASE_SECONDS),
            attempts=ReportJob.attempts + 1,
            started_at=func.coalesce(ReportJob.started_at, now),
            retry_at=None,
        )
    )
    db.commit()
    return token if claimed.rowcount == 1 else None


def step(db: Session, job_id: int, token: str, name: str) -> None:
    """Show the next step and renew the lease; raises ``LostClaim`` if the job was taken over."""
    moved = db.execute(
        update(ReportJob)
        .where(ReportJob.id == job_id, ReportJob.claim_token == token)
        .values(
            step=name,
            progress=jobs.STEPS[name],
            claimed_until=utcnow() + timedelta(seconds=LEASE_SECONDS),
        )
    )
    db.commit()
    if moved.rowcount != 1:
        raise LostClaim(job_id)


def build(
    db: Session, job: ReportJob, token: str, collect: Callable[[ReportJob], dict]
) -> str | None:
    """Build a claimed job to the end: ``ready``, ``queued`` (to be retried) or ``failed``;
    None when another build took the job over (nothing recorded)."""
    started = time.perf_counter()
    root = storage.reports_dir()
    try:
        with eventlet.Timeout(COLLECT_TIMEOUT):
            sources = collect(job)
        step(db, job.id, token, "assembling")
        document = assemble(job.kind, sources, job.language, datetime.now(UTC))
        step(db, job.id, token, "rendering")
        with _render_slot:
            data = tpool.execute(render, document, job.format)
        step(db, job.id, token, "storing")
        storage.remove_strays(root, job.year, job.id)
        relative = storage.relative_path(job.year, job.id, token, FORMATS[job.format].extension)
        sha256 = storage.write(root, relative, data)
    except LostClaim:
        log.info("reporting: job %s was taken over by another build", job.id)
        return None
    except (NotFound, KeyError, ValidationFailed) as exc:
        return fail(db, job.id, token, f"no data for this report: {exc}", permanent=True)
    except (Exception, eventlet.Timeout) as exc:  # noqa: BLE001 - retried with backoff
        log.exception("reporting: building job %s failed", job.id)
        return fail(db, job.id, token, f"{type(exc).__name__}: {exc}"[:300], permanent=False)
    stored = Stored(
        relative=relative,
        sha256=sha256,
        size=len(data),
        filename=file_name(job, sources),
        title=f"{document['title']} – {document['subtitle']}"[:200],
        seconds=round(time.perf_counter() - started, 3),
    )
    if not finish(db, job, token, stored):
        storage.remove(root, relative)
        return None
    return "ready"


def file_name(job: ReportJob, sources: dict) -> str:
    if job.kind == "unit":
        name = sources["unit"]["name"]
    elif job.kind == "municipality":
        name = sources["municipality"]["name"]
    else:
        name = None
    return jobs.filename(job.kind, job.year, job.language, job.format, name)


def finish(db: Session, job: ReportJob, token: str, stored: Stored) -> bool:
    """Record the file and mark the job ready in one transaction, if the claim holds."""
    moved = db.execute(
        update(ReportJob)
        .where(
            ReportJob.id == job.id,
            ReportJob.claim_token == token,
            ReportJob.state == "building",
        )
        .values(
            state="ready",
            step="ready",
            progress=100,
            finished_at=utcnow(),
            claim_token=None,
            claimed_until=None,
            error=None,
            title=stored.title,
            build_seconds=stored.seconds,
            notify_state="pending" if job.notify_email else None,
        )
    )
    if moved.rowcount != 1:
        db.rollback()
        return False
    db.add(
        ReportFile(
            job_id=job.id,
            filename=stored.filename,
            content_type=FORMATS[job.format].content_type,
            path=stored.relative,
            size=stored.size,
            sha256=stored.sha256,
        )
    )
    _ready_event(db, job, stored)
    if job.run_id is not None:
        runs.job_progressed(db, job.run_id)
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        return False
    REPORTS_BUILT.labels(kind=job.kind, format=job.format).inc()
    return True


def _ready_event(db: Session, job: ReportJob, stored: Stored) -> None:
    outbox.add_event(
        db,
        Outbox,
        "report_ready",
        {
            "job_id": job.id,
            "kind": job.kind,
            "year": job.year,
            "unit_id": job.unit_id,
            "format": job.format,
            "language": job.language,
            "sha256": stored.sha256,
            "size": stored.size,
            "run_id": job.run_id,
        },
        job.municipality_id,
    )


def fail(db: Session, job_id: int, token: str, reason: str, permanent: bool) -> str | None:
    """Queue the job for a retry after a back-off, or fail it for good; the job's new state, or
    None if the claim no longer holds."""
    job = db.get(ReportJob, job_id)
    if job is None or job.claim_token != token:
        return None
    REPORT_FAILURES.labels(kind=job.kind, permanent=str(permanent).lower()).inc()
    if permanent or jobs.gives_up(job.attempts):
        job.state, job.step, job.progress = "failed", "failed", 100
        job.finished_at = utcnow()
        log.warning("reporting: job %s failed for good: %s", job_id, reason)
    else:
        job.state, job.step, job.progress = "queued", "queued", 0
        job.retry_at = utcnow() + jobs.retry_delay(job.attempts)
        job.published_at = None
    job.error, job.claim_token, job.claimed_until = reason[:300], None, None
    if job.run_id is not None and job.state == "failed":
        db.flush()
        runs.job_progressed(db, job.run_id)
    db.commit()
    return job.state
