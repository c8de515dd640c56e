"""The reporting service: report jobs built in the background, their files, and KL's annual run.

Thin on purpose: what goes into a report is decided by ``municipal`` and ``national``, who may
see what by ``jobs``, each file format by ``render``. This class collects the figures over RPC,
claims and records jobs, stores files and publishes events.

How a build stays exactly-once (see docs/architecture.md, "Reporting"):

* every report is a job row; every build is one message ``{"job_id"}`` on the durable queue
  ``reporting.work``, shared by all reporting processes, each taking one message at a time;
* a build first claims its job (a conditional UPDATE with a lease and a claim token); a job that
  is ready or held by a live build is skipped, so a duplicate message does nothing;
* the file is written under a name of its own and recorded in the transaction that marks the job
  ready, only if the claim still holds; ``report_files.job_id`` is unique, so a job can never
  get a second file; only then is the message acknowledged;
* a process that dies mid-build leaves its message unacknowledged; RabbitMQ redelivers it and the
  next build takes the job over. A sweeper republishes what was never published (a crash between
  commit and publish) and what waits for a retry.
"""

from __future__ import annotations

import base64
import logging
import secrets
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import eventlet
from eventlet import tpool
from eventlet.semaphore import Semaphore
from nameko.events import EventDispatcher
from nameko.extensions import DependencyProvider
from nameko.rpc import RpcProxy
from nameko.timer import timer
from prometheus_client import Counter, Gauge
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.common import config, outbox
from services.common.db import Database
from services.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.common.metrics import Metrics
from services.common.outbox import utcnow
from services.common.rpc import rpc
from services.common.validation import load
from services.reporting import jobs, notify, storage, workqueue
from services.reporting.assembly import assemble
from services.reporting.models import AnnualRun, Outbox, ReportFile, ReportJob
from services.reporting.render import FORMATS, render
from services.reporting.schemas import (
    AnnualRunRequestSchema,
    NationalRequestSchema,
    ReportRequestSchema,
    RequesterSchema,
)
from services.reporting.workqueue import REQUEST_QUEUE, WORK_QUEUE, queue_work

MIGRATIONS = Path(__file__).parent / "migrations"
SWEEP_SECONDS = float(config.env("REPORTING_SWEEP_SECONDS", "15"))
LEASE_SECONDS = float(config.env("REPORTING_LEASE_SECONDS", "300"))
REPUBLISH_SECONDS = float(config.env("REPORTING_REPUBLISH_SECONDS", "120"))
COLLECT_TIMEOUT = float(config.env("REPORTING_COLLECT_TIMEOUT", "120"))
NOTIFY_TIMEOUT = 10
log = logging.getLogger(__name__)

REPORTS_BUILT = Counter(
    "platform_reports_built_total", "Report files built and recorded.", ["kind", "format"]
)
REPORT_FAILURES = Counter(
    "platform_report_build_failures_total",
    "Report builds that failed (retried later unless permanent).",
    ["kind", "permanent"],
)
JOB_STATES = ("queued", "building", "ready", "failed")
REPORT_JOBS = Gauge("platform_report_jobs", "Report jobs by state (all municipalities).", ["state"])
for _state in JOB_STATES:
    REPORT_JOBS.labels(state=_state)
REPORT_LAST_ACTIVITY = Gauge(
    "platform_report_last_activity_timestamp_seconds",
    "When a report job was last queued, started or finished (Unix time); a run is stalled when "
    "jobs wait and this stops moving.",
)


def update_job_gauges(db: Session) -> None:
    """Count the jobs from the database, so every worker reports the same figures."""
    counts = dict(db.execute(select(ReportJob.state, func.count()).group_by(ReportJob.state)).all())
    for state in JOB_STATES:
        REPORT_JOBS.labels(state=state).set(counts.get(state, 0))
    latest = [
        db.scalar(select(func.max(column)))
        for column in (ReportJob.created_at, ReportJob.started_at, ReportJob.finished_at)
    ]
    moments = [moment for moment in latest if moment is not None]
    if moments:
        REPORT_LAST_ACTIVITY.set(max(moments).replace(tzinfo=UTC).timestamp())


# WeasyPrint and friends are CPU-bound: one render at a time per process, in a real thread, so
# that the eventlet hub keeps answering RPC calls while a report is drawn.
_render_slot = Semaphore(1)


class LostClaim(Exception):
    """Another build took the job over; this build stops and records nothing."""


class Broker(DependencyProvider):
    """Publishing to the work queues with the container's broker URI."""

    def get_dependency(self, worker_ctx):  # noqa: ANN001, ANN201
        uri = self.container.config["AMQP_URI"]

        class _Broker:
            @staticmethod
            def publish(queue: str, bodies: list[dict]) -> int:
                return workqueue.publish(uri, queue, bodies)

            @staticmethod
            def ready_count(queue: str) -> int | None:
                return workqueue.ready_count(uri, queue)

        return _Broker()


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() + "Z" if moment else None


def job_dict(job: ReportJob, file: ReportFile | None) -> dict:
    return {
        "id": job.id,
        "kind": job.kind,
        "year": job.year,
        "unit_id": job.unit_id,
        "format": job.format,
        "language": job.language,
        "state": job.state,
        "step": job.step,
        "progress": job.progress,
        "attempts": job.attempts,
        "error": job.error,
        "title": job.title,
        "run_id": job.run_id,
        "requested_by": job.requested_by,
        "notify": bool(job.notify_email),
        "created_at": _iso(job.created_at),
        "started_at": _iso(job.started_at),
        "finished_at": _iso(job.finished_at),
        "build_seconds": job.build_seconds,
        "file": None
        if file is None
        else {
            "filename": file.filename,
            "content_type": file.content_type,
            "size": file.size,
            "sha256": file.sha256,
        },
    }


def public_base_url() -> str:
    return config.env("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")


class ReportingService:
    name = "reporting"

    db: Session = Database("reporting", MIGRATIONS)
    survey = RpcProxy("survey")
    scoring = RpcProxy("scoring")
    benchmark = RpcProxy("benchmark")
    mail = RpcProxy("mail")
    dispatch = EventDispatcher()
    broker = Broker()
    metrics = Metrics()

    @rpc
    def health(self) -> dict:
        self.db.execute(select(1))
        return {"service": self.name, "status": "ok"}

    # -- lookups ----------------------------------------------------------------------------

    def _with_files(self, found: list[ReportJob]) -> list[dict]:
        ids = [j.id for j in found]
        files = {}
        if ids:
            files = {
                f.job_id: f
                for f in self.db.scalars(select(ReportFile).where(ReportFile.job_id.in_(ids)))
            }
        return [job_dict(j, files.get(j.id)) for j in found]

    def _municipal_job(self, municipality_id: int, job_id: int, viewer: dict) -> ReportJob:
        job = self.db.get(ReportJob, job_id)
        if (
            job is None
            or job.municipality_id is None
            or job.municipality_id != municipality_id
            or not jobs.can_see(job.kind, job.unit_id, viewer)
        ):
            raise NotFound(f"no report {job_id}", field="job_id")
        return job

    def _national_job(self, job_id: int) -> ReportJob:
        job = self.db.get(ReportJob, job_id)
        if job is None or job.kind != "national" or job.municipality_id is not None:
            raise NotFound(f"no national report {job_id}", field="job_id")
        return job

    def _file(self, job: ReportJob) -> dict:
        if job.state != "ready":
            raise Conflict("the report is not ready yet", field="state")
        file = self.db.scalar(select(ReportFile).where(ReportFile.job_id == job.id))
        try:
            data = storage.read(storage.reports_dir(), file.path, file.sha256)
        except (OSError, storage.FileDamaged) as exc:
            log.error("reporting: the file of job %s is missing or damaged", job.id)
            raise NotFound("the report file is missing; ask for the report again") from exc
        return {
            "filename": file.filename,
            "content_type": file.content_type,
            "size": file.size,
            "sha256": file.sha256,
            "content": base64.b64encode(data).decode("ascii"),
        }

    # -- municipal RPC ----------------------------------------------------------------------

    @rpc
    def request_report(self, municipality_id: int, data: dict, requester: dict) -> dict:
        """A municipality or unit report of the session's municipality, built in the background."""
        requester = load(RequesterSchema(), requester)
        data = load(ReportRequestSchema(), data)
        try:
            jobs.check_request(data["kind"], data["unit_id"], requester)
        except jobs.NotAllowed as exc:
            raise Forbidden("this report is not open to your role", field=str(exc)) from exc
        self._check_round(data["year"])
        if data["kind"] == "unit":
            units = {u["id"] for u in self.survey.list_units(municipality_id)}
            if data["unit_id"] not in units:
                raise NotFound(f"no unit {data['unit_id']}", field="unit_id")
        return self._queue_job(municipality_id, data, requester)

    def _check_round(self, year: int, closed: bool = False) -> dict:
        round_ = self.survey.get_round(year)
        if round_["state"] == "draft":
            raise NotFound(f"no round {year}", field="year")
        if closed and round_["state"] != "closed":
            raise Conflict(f"the {year} round is not closed yet", field="year")
        return round_

    def _queue_job(self, municipality_id: int | None, data: dict, requester: dict) -> dict:
        if data["notify"] and not requester.get("email"):
            raise ValidationFailed("your account has no e-mail address", field="notify")
        job = ReportJob(
            kind=data["kind"],
            year=data["year"],
            municipality_id=municipality_id,
            unit_id=data.get("unit_id"),
            format=data["format"],
            language=data["language"],
            requested_by=requester["name"],
            requested_by_user_id=requester.get("user_id"),
            notify_name=requester["name"] if data["notify"] else None,
            notify_email=requester.get("email") if data["notify"] else None,
        )
        self.db.add(job)
        self.db.commit()
        self._publish_jobs([job.id])
        return job_dict(job, None)

    @rpc
    def list_reports(self, municipality_id: int, viewer: dict, year: int | None = None) -> list:
        """The municipality's reports the viewer may see, newest first."""
        viewer = load(RequesterSchema(), viewer)
        query = select(ReportJob).where(ReportJob.municipality_id == municipality_id)
        if year is not None:
            query = query.where(ReportJob.year == year)
        found = self.db.scalars(query.order_by(ReportJob.id.desc()).limit(500)).all()
        visible = [j for j in found if jobs.can_see(j.kind, j.unit_id, viewer)]
        return self._with_files(visible)

    @rpc
    def get_report(self, municipality_id: int, job_id: int, viewer: dict) -> dict:
        job = self._municipal_job(municipality_id, job_id, load(RequesterSchema(), viewer))
        return self._with_files([job])[0]

    @rpc
    def download_report(self, municipality_id: int, job_id: int, viewer: dict) -> dict:
        """The file (base64) with its name, type and checksum, verified against the record."""
        job = self._municipal_job(municipality_id, job_id, load(RequesterSchema(), viewer))
        return self._file(job)

    # -- KL's RPC ---------------------------------------------------------------------------

    @staticmethod
    def _check_kl(requester: dict) -> dict:
        requester = load(RequesterSchema(), requester)
        if requester["role"] not in (*jobs.KL_ROLES, "system"):
            raise Forbidden("national reports are for KL", field="role")
        return requester

    @rpc
    def request_national_report(self, data: dict, requester: dict) -> dict:
        requester = self._check_kl(requester)
        data = load(NationalRequestSchema(), data)
        self._check_round(data["year"])
        return self._queue_job(None, {**data, "kind": "national", "unit_id": None}, requester)

    @rpc
    def list_national_reports(self, year: int | None = None) -> list:
        query = select(ReportJob).where(
            ReportJob.kind == "national", ReportJob.municipality_id.is_(None)
        )
        if year is not None:
            query = query.where(ReportJob.year == year)
        return self._with_files(self.db.scalars(query.order_by(ReportJob.id.desc())).all())

    @rpc
    def get_national_report(self, job_id: int) -> dict:
        return self._with_files([self._national_job(job_id)])[0]

    @rpc
    def download_national_report(self, job_id: int) -> dict:
        return self._file(self._national_job(job_id))

    @rpc
    def request_annual_run(self, year: int, requester: dict) -> dict:
        """KL's page asks for the run; the command line publishes the same request instead."""
        requester = self._check_kl(requester)
        data = load(AnnualRunRequestSchema(), {"year": year, "requested_by": requester["name"]})
        return self._start_run(data["year"], data["requested_by"])

    @rpc
    def list_annual_runs(self) -> list[dict]:
        runs = self.db.scalars(select(AnnualRun).order_by(AnnualRun.year.desc())).all()
        return [self._run_dict(run) for run in runs]

    @rpc
    def get_annual_run(self, year: int, with_jobs: bool = False) -> dict:
        run = self.db.scalar(select(AnnualRun).where(AnnualRun.year == year))
        if run is None:
            raise NotFound(f"no annual run for {year}", field="year")
        found = self._run_dict(run)
        if with_jobs:
            run_jobs = self.db.scalars(
                select(ReportJob).where(ReportJob.run_id == run.id).order_by(ReportJob.id)
            ).all()
            found["jobs"] = [
                dict(j, item_key=job.item_key, municipality_id=job.municipality_id)
                for j, job in zip(self._with_files(run_jobs), run_jobs, strict=True)
            ]
        return found

    def _run_counts(self, run_id: int) -> dict[str, int]:
        rows = self.db.execute(
            select(ReportJob.state, func.count())
            .where(ReportJob.run_id == run_id)
            .group_by(ReportJob.state)
        ).all()
        return {state: int(count) for state, count in rows}

    def _run_dict(self, run: AnnualRun) -> dict:
        counts = self._run_counts(run.id)
        return {
            "id": run.id,
            "year": run.year,
            "state": run.state,
            "requested_by": run.requested_by,
            "requested_at": _iso(run.requested_at),
            "completed_at": _iso(run.completed_at),
            "total": run.total,
            "done": counts.get("ready", 0),
            "failed": counts.get("failed", 0),
            "building": counts.get("building", 0),
            "queued": counts.get("queued", 0),
        }

    # -- the annual run ---------------------------------------------------------------------

    @queue_work(REQUEST_QUEUE)
    def on_annual_run_requested(self, body: dict, redelivered: bool) -> None:
        """A request published by ``tools/request_annual_run.py`` (or anything else)."""
        try:
            data = load(AnnualRunRequestSchema(), body)
        except ValidationFailed as exc:
            log.error("reporting: an annual run request was refused: %s", exc)
            return
        try:
            self._start_run(data["year"], data["requested_by"])
        except (NotFound, Conflict) as exc:
            log.warning("reporting: annual run for %s refused: %s", data["year"], exc)
        except Exception:
            self.db.rollback()
            log.exception("reporting: planning the annual run failed; the request is retried")
            eventlet.sleep(5)
            raise

    def _participants(self, year: int) -> dict[int, list[int]]:
        """Municipalities that answered in the round, with their units that answered."""
        found = {}
        for key, (count, _) in sorted(self.survey.answer_watermarks(year).items()):
            if not count:
                continue
            scores = self.scoring.get_scores(int(key), year)
            if not (scores.get("completeness") or 0) > 0:
                continue
            found[int(key)] = [
                u["id"] for u in scores.get("units", []) if (u.get("completeness") or 0) > 0
            ]
        return found

    def _start_run(self, year: int, requested_by: str) -> dict:
        """Plan the run once (unique per year); asking again only republishes what is left."""
        run = self.db.scalar(select(AnnualRun).where(AnnualRun.year == year))
        if run is None:
            self._check_round(year, closed=True)
            items = jobs.plan(self._participants(year))
            run = AnnualRun(year=year, state="running", requested_by=requested_by, total=len(items))
            self.db.add(run)
            self.db.flush()
            for item in items:
                self.db.add(
                    ReportJob(
                        kind=item.kind,
                        year=year,
                        municipality_id=item.municipality_id,
                        unit_id=item.unit_id,
                        format=jobs.ANNUAL_FORMAT,
                        language=jobs.ANNUAL_LANGUAGE,
                        run_id=run.id,
                        item_key=item.key,
                        requested_by=requested_by,
                    )
                )
            self._progress_event(run, {"queued": len(items)})
            try:
                self.db.commit()
            except IntegrityError:
                self.db.rollback()
                run = self.db.scalar(select(AnnualRun).where(AnnualRun.year == year))
            else:
                log.info("reporting: annual run %s planned with %s reports", year, len(items))
            self._relay()
        pending = self.db.scalars(
            select(ReportJob.id).where(
                ReportJob.run_id == run.id,
                ReportJob.state == "queued",
                ReportJob.published_at.is_(None),
            )
        ).all()
        self._publish_jobs(list(pending))
        return self._run_dict(run)

    def _progress_event(self, run: AnnualRun, counts: dict[str, int]) -> None:
        outbox.add_event(
            self.db,
            Outbox,
            "annual_run_progressed",
            {
                "run_id": run.id,
                "year": run.year,
                "state": run.state,
                "total": run.total,
                "done": counts.get("ready", 0),
                "failed": counts.get("failed", 0),
            },
            None,
        )

    def _maybe_complete(self, run_id: int) -> None:
        """Mark the run completed once every job is ready or failed; exactly one worker does."""
        run = self.db.get(AnnualRun, run_id)
        counts = self._run_counts(run_id)
        if run is None or counts.get("ready", 0) + counts.get("failed", 0) < run.total:
            return
        moved = self.db.execute(
            update(AnnualRun)
            .where(AnnualRun.id == run_id, AnnualRun.state != "completed")
            .values(state="completed", completed_at=utcnow())
        )
        if moved.rowcount != 1:
            self.db.rollback()
            return
        self.db.refresh(run)
        self._progress_event(run, counts)
        self.db.commit()
        self._relay()
        log.info("reporting: annual run %s completed", run.year)

    # -- building ---------------------------------------------------------------------------

    def _publish_jobs(self, job_ids: list[int]) -> None:
        """Publish build messages; a failure is left to the sweeper (published_at stays empty)."""
        if not job_ids:
            return
        try:
            self.broker.publish(WORK_QUEUE, [{"job_id": job_id} for job_id in job_ids])
        except Exception:  # noqa: BLE001 - the sweeper publishes what is left
            log.warning("reporting: publishing %s build messages failed; retrying", len(job_ids))
            return
        self.db.execute(
            update(ReportJob).where(ReportJob.id.in_(job_ids)).values(published_at=utcnow())
        )
        self.db.commit()

    @queue_work(WORK_QUEUE)
    def build_report(self, body: dict, redelivered: bool) -> None:
        """Build one report; acknowledged (by returning) only after it is stored and recorded."""
        try:
            job_id = int(body["job_id"])
        except (KeyError, TypeError, ValueError):
            log.error("reporting: a build message without a job id was dropped")
            return
        token = self._claim(job_id, redelivered)
        if token is not None:
            self._build(job_id, token)

    def _claim(self, job_id: int, redelivered: bool) -> str | None:
        now = utcnow()
        taken_over = ReportJob.claimed_until < now
        if redelivered:
            # The consumer that held this message is gone (RabbitMQ only redelivers then).
            taken_over = or_(taken_over, ReportJob.claimed_until.is_not(None))
        token = secrets.token_hex(8)
        claimed = self.db.execute(
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
        self.db.commit()
        return token if claimed.rowcount == 1 else None

    def _step(self, job_id: int, token: str, step: str) -> None:
        moved = self.db.execute(
            update(ReportJob)
            .where(ReportJob.id == job_id, ReportJob.claim_token == token)
            .values(
                step=step,
                progress=jobs.STEPS[step],
                claimed_until=utcnow() + timedelta(seconds=LEASE_SECONDS),
            )
        )
        self.db.commit()
        if moved.rowcount != 1:
            raise LostClaim(job_id)

    def _build(self, job_id: int, token: str) -> None:
        job = self.db.get(ReportJob, job_id)
        started = time.perf_counter()
        root = storage.reports_dir()
        try:
            with eventlet.Timeout(COLLECT_TIMEOUT):
                sources = self._collect(job)
            self._step(job_id, token, "assembling")
            document = assemble(job.kind, sources, job.language, datetime.now(UTC))
            self._step(job_id, token, "rendering")
            with _render_slot:
                data = tpool.execute(render, document, job.format)
            self._step(job_id, token, "storing")
            storage.remove_strays(root, job.year, job.id)
            relative = storage.relative_path(job.year, job.id, token, FORMATS[job.format].extension)
            sha256 = storage.write(root, relative, data)
        except LostClaim:
            log.info("reporting: job %s was taken over by another build", job_id)
            return
        except (NotFound, KeyError, ValidationFailed) as exc:
            self._failed(job_id, token, f"no data for this report: {exc}", permanent=True)
            return
        except (Exception, eventlet.Timeout) as exc:  # noqa: BLE001 - retried with backoff
            log.exception("reporting: building job %s failed", job_id)
            self._failed(job_id, token, f"{type(exc).__name__}: {exc}"[:300], permanent=False)
            return
        name = self._file_name(job, sources)
        if not self._finish(job, token, relative, sha256, data, name, document, started):
            storage.remove(root, relative)

    def _collect(self, job: ReportJob) -> dict:
        """Everything the report shows, from the services that own it."""
        year = job.year
        if job.kind == "national":
            return {
                "round": self.survey.get_round(year),
                "questionnaire": self.survey.get_questionnaire(year),
                "national": self.benchmark.get_national(year),
                "development": self.benchmark.get_development(),
            }
        municipality_id = job.municipality_id
        units = self.survey.list_units(municipality_id)
        sources = {
            "municipality": self.survey.get_municipality(municipality_id),
            "round": self.survey.get_round(year),
            "questionnaire": self.survey.get_questionnaire(year),
            "scores": self.scoring.get_scores(municipality_id, year),
            "history": self.scoring.get_history(municipality_id),
            "answers": self.survey.get_answers(municipality_id, year, all_units=True),
            "units": units,
        }
        if job.kind == "unit":
            unit = next((u for u in units if u["id"] == job.unit_id), None)
            if unit is None:
                raise NotFound(f"no unit {job.unit_id}", field="unit_id")
            sources["unit"] = unit
            return sources
        try:
            sources["benchmark"] = self.benchmark.get_benchmark(municipality_id, year)
        except NotFound:
            sources["benchmark"] = None
        try:
            sources["national_series"] = self.benchmark.get_national_series()
        except NotFound:
            sources["national_series"] = None
        return sources

    @staticmethod
    def _file_name(job: ReportJob, sources: dict) -> str:
        if job.kind == "unit":
            name = sources["unit"]["name"]
        elif job.kind == "municipality":
            name = sources["municipality"]["name"]
        else:
            name = None
        return jobs.filename(job.kind, job.year, job.language, job.format, name)

    def _finish(
        self,
        job: ReportJob,
        token: str,
        relative: str,
        sha256: str,
        data: bytes,
        name: str,
        document: dict,
        started: float,
    ) -> bool:
        """Record the file and mark the job ready in one transaction, if the claim holds."""
        seconds = round(time.perf_counter() - started, 3)
        moved = self.db.execute(
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
                title=f"{document['title']} – {document['subtitle']}"[:200],
                build_seconds=seconds,
                notify_state="pending" if job.notify_email else None,
            )
        )
        if moved.rowcount != 1:
            self.db.rollback()
            return False
        self.db.add(
            ReportFile(
                job_id=job.id,
                filename=name,
                content_type=FORMATS[job.format].content_type,
                path=relative,
                size=len(data),
                sha256=sha256,
            )
        )
        outbox.add_event(
            self.db,
            Outbox,
            "report_ready",
            {
                "job_id": job.id,
                "kind": job.kind,
                "year": job.year,
                "unit_id": job.unit_id,
                "format": job.format,
                "language": job.language,
                "sha256": sha256,
                "size": len(data),
                "run_id": job.run_id,
            },
            job.municipality_id,
        )
        if job.run_id is not None:
            self._progress_event(self.db.get(AnnualRun, job.run_id), self._run_counts(job.run_id))
        try:
            self.db.commit()
        except IntegrityError:
            self.db.rollback()
            return False
        REPORTS_BUILT.labels(kind=job.kind, format=job.format).inc()
        self._relay()
        if job.run_id is not None:
            self._maybe_complete(job.run_id)
        if job.notify_email:
            self._notify(job.id)
        return True

    def _failed(self, job_id: int, token: str, reason: str, permanent: bool) -> None:
        job = self.db.get(ReportJob, job_id)
        if job is None or job.claim_token != token:
            return
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
            self.db.flush()
            self._progress_event(self.db.get(AnnualRun, job.run_id), self._run_counts(job.run_id))
        self.db.commit()
        self._relay()
        if job.run_id is not None and job.state == "failed":
            self._maybe_complete(job.run_id)

    # -- e-mail, events, sweeping -----------------------------------------------------------

    def _notify(self, job_id: int) -> None:
        """Hand the "report ready" mail to the mail service (idempotent key)."""
        job = self.db.get(ReportJob, job_id)
        if job is None or job.notify_state != "pending":
            return
        path = "/kl/rapporter" if job.kind == "national" else "/rapporter"
        message = notify.ready_mail(
            job.notify_name or "", job.title or "", job.format, f"{public_base_url()}{path}"
        )
        try:
            with eventlet.Timeout(NOTIFY_TIMEOUT):
                self.mail.queue_mail(
                    f"report_ready:{job.id}",
                    {
                        **message,
                        "municipality_id": job.municipality_id,
                        "to_name": job.notify_name or "",
                        "to_addr": job.notify_email,
                    },
                )
        except (Exception, eventlet.Timeout):  # noqa: BLE001 - the sweeper tries again
            log.warning("reporting: the mail for job %s could not be queued yet", job.id)
            return
        job.notify_state = "queued"
        self.db.commit()

    def _relay(self) -> None:
        outbox.publish(self.db, Outbox, self.dispatch, self.name)

    @timer(interval=SWEEP_SECONDS)
    def sweep(self) -> None:
        """Publish what was never published or waits for a retry; finish what was left."""
        now = utcnow()
        unpublished = self.db.scalars(
            select(ReportJob.id).where(
                ReportJob.state == "queued",
                ReportJob.published_at.is_(None),
                or_(ReportJob.retry_at.is_(None), ReportJob.retry_at <= now),
            )
        ).all()
        self._publish_jobs(list(unpublished))
        stale = now - timedelta(seconds=REPUBLISH_SECONDS)
        stuck = self.db.scalars(
            select(ReportJob.id).where(
                or_(
                    and_(ReportJob.state == "queued", ReportJob.published_at < stale),
                    and_(ReportJob.state == "building", ReportJob.claimed_until < now),
                )
            )
        ).all()
        if stuck and self.broker.ready_count(WORK_QUEUE) == 0:
            log.info("reporting: republishing %s builds whose messages are gone", len(stuck))
            self._publish_jobs(list(stuck))
        for job_id in self.db.scalars(
            select(ReportJob.id).where(ReportJob.notify_state == "pending")
        ).all():
            self._notify(job_id)
        for run_id in self.db.scalars(
            select(AnnualRun.id).where(AnnualRun.state != "completed")
        ).all():
            self._maybe_complete(run_id)
        outbox.publish(self.db, Outbox, self.dispatch, self.name, older_than=timedelta(seconds=2))
        update_job_gauges(self.db)
