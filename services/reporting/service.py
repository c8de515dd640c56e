"""The reporting service: the RPC facade of report jobs and their files, and KL's annual run.

Thin on purpose: what goes into a report is decided by ``municipality``, ``unit`` and
``national``, who may see what by ``jobs``, each file format by ``render``; a build (claim,
collect, assemble, render, store, finish or fail) is ``pipeline``, what it collects over RPC
``sources``, a run's progress ``runs``, the work queues and the ``Broker`` dependency
``workqueue``. This class checks requests, creates and publishes jobs, plans the annual run,
relays events, hands the "report ready" mail on and sweeps up what a crash left (see
docs/architecture.md, "Reporting"):

* every report is a job row; every build is one message ``{"job_id"}`` on the durable queue
  ``reporting.work``, shared by all reporting processes, each taking one message at a time;
  only after the build is recorded (or failed) is the message acknowledged;
* a process that dies mid-build leaves its message unacknowledged; RabbitMQ redelivers it and the
  next build takes the job over. A sweeper republishes what was never published (a crash between
  commit and publish) and what waits for a retry.
"""

from __future__ import annotations

import base64
import logging
from datetime import timedelta
from pathlib import Path

import eventlet
from nameko.events import EventDispatcher
from nameko.rpc import RpcProxy
from nameko.timer import timer
from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.common import config, outbox
from services.common.db import Database
from services.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.common.metrics import Metrics
from services.common.outbox import utcnow
from services.common.rpc import rpc
from services.common.validation import load
from services.reporting import jobs, notify, pipeline, runs, sources, storage
from services.reporting.gauges import update_job_gauges
from services.reporting.models import AnnualRun, Outbox, ReportFile, ReportJob
from services.reporting.schemas import (
    AnnualRunRequestSchema,
    NationalRequestSchema,
    ReportRequestSchema,
    RequesterSchema,
)
from services.reporting.workqueue import REQUEST_QUEUE, WORK_QUEUE, Broker, queue_work

MIGRATIONS = Path(__file__).parent / "migrations"
SWEEP_SECONDS = float(config.env("REPORTING_SWEEP_SECONDS", "15"))
REPUBLISH_SECONDS = float(config.env("REPORTING_REPUBLISH_SECONDS", "120"))
NOTIFY_TIMEOUT = 10
log = logging.getLogger(__name__)


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
        "created_at": runs.iso(job.created_at),
        "started_at": runs.iso(job.started_at),
        "finished_at": runs.iso(job.finished_at),
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
        found = self.db.scalars(select(AnnualRun).order_by(AnnualRun.year.desc())).all()
        return [runs.run_dict(self.db, run) for run in found]

    @rpc
    def get_annual_run(self, year: int, with_jobs: bool = False) -> dict:
        run = self.db.scalar(select(AnnualRun).where(AnnualRun.year == year))
        if run is None:
            raise NotFound(f"no annual run for {year}", field="year")
        found = runs.run_dict(self.db, run)
        if with_jobs:
            run_jobs = self.db.scalars(
                select(ReportJob).where(ReportJob.run_id == run.id).order_by(ReportJob.id)
            ).all()
            found["jobs"] = [
                dict(j, item_key=job.item_key, municipality_id=job.municipality_id)
                for j, job in zip(self._with_files(run_jobs), run_jobs, strict=True)
            ]
        return found

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

    def _participants(self, year: int) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
        """Municipalities that answered in the round with their units that answered, and their
        other units (due, but skipped: nothing to report)."""
        found, silent = {}, {}
        for key, (count, _) in sorted(self.survey.answer_watermarks(year).items()):
            if not count:
                continue
            scores = self.scoring.get_scores(int(key), year)
            if not (scores.get("completeness") or 0) > 0:
                continue
            units = scores.get("units", [])
            found[int(key)] = [u["id"] for u in units if (u.get("completeness") or 0) > 0]
            silent[int(key)] = [u["id"] for u in units if not (u.get("completeness") or 0) > 0]
        return found, silent

    def _start_run(self, year: int, requested_by: str) -> dict:
        """Plan the run once (unique per year); asking again only republishes what is left."""
        run = self.db.scalar(select(AnnualRun).where(AnnualRun.year == year))
        if run is None:
            self._check_round(year, closed=True)
            items = jobs.plan(*self._participants(year))
            run = AnnualRun(year=year, state="running", requested_by=requested_by)
            self.db.add(run)
            self.db.flush()
            runs.plan_jobs(self.db, run, items)
            self.db.flush()
            runs.progress_event(self.db, run, runs.counts(self.db, run.id))
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
        return runs.run_dict(self.db, run)

    def _maybe_complete(self, run_id: int) -> None:
        """Mark the run completed once due = built + failed + skipped; exactly one worker does."""
        if runs.complete(self.db, run_id):
            self._relay()
            log.info("reporting: annual run %s completed", self.db.get(AnnualRun, run_id).year)

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
        token = pipeline.claim(self.db, job_id, redelivered)
        if token is not None:
            self._build(job_id, token)

    def _build(self, job_id: int, token: str) -> None:
        """The pipeline builds and records; then the events, the run and the e-mail follow."""
        job = self.db.get(ReportJob, job_id)
        state = pipeline.build(self.db, job, token, self._collect)
        if state is None:
            return
        self._relay()
        if job.run_id is not None and state in ("ready", "failed"):
            self._maybe_complete(job.run_id)
        if state == "ready" and job.notify_email:
            self._notify(job.id)

    def _collect(self, job: ReportJob) -> dict:
        return sources.collect(job, self.survey, self.scoring, self.benchmark)

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
