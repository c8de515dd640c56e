"""The build pipeline against PostgreSQL, without the service around it: a job is claimed by
one build at a time, a build that lost its claim records nothing, a job gets exactly one file,
and a failure is retried with a back-off until it is given up (missing data at once)."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.common.errors import NotFound
from services.common.outbox import utcnow
from services.reporting import jobs, pipeline, storage
from services.reporting.models import Outbox, ReportFile, ReportJob
from tests.reporting import samples


def national_job(db: Session) -> ReportJob:
    job = ReportJob(kind="national", year=2025, format="json", language="da", requested_by="KL")
    db.add(job)
    db.commit()
    return job


def national_sources(job: ReportJob) -> dict:
    return samples.national_sources(job.year)


def test_a_job_is_claimed_by_one_build_and_taken_over_only_when_its_holder_is_gone(db):
    job = national_job(db)
    first = pipeline.claim(db, job.id, redelivered=False)
    assert first is not None
    assert pipeline.claim(db, job.id, redelivered=False) is None  # a duplicate message
    pipeline.step(db, job.id, first, "assembling")
    # RabbitMQ redelivers only when the holder's connection died: the next build takes over.
    second = pipeline.claim(db, job.id, redelivered=True)
    assert second not in (None, first)
    with pytest.raises(pipeline.LostClaim):
        pipeline.step(db, job.id, first, "rendering")
    db.refresh(job)
    assert (job.state, job.attempts, job.claim_token) == ("building", 2, second)


def test_a_build_that_lost_its_claim_records_nothing_and_the_job_gets_one_file(db, reports_dir):
    job = national_job(db)
    lost = pipeline.claim(db, job.id, redelivered=False)
    holder = pipeline.claim(db, job.id, redelivered=True)
    assert pipeline.build(db, job, lost, national_sources) is None
    assert db.scalar(select(func.count()).select_from(ReportFile)) == 0

    assert pipeline.build(db, job, holder, national_sources) == "ready"
    files = db.scalars(select(ReportFile)).all()
    assert len(files) == 1 and files[0].job_id == job.id
    assert files[0].filename == "national-baseline-2025.json"
    data = storage.read(reports_dir, files[0].path, files[0].sha256)
    assert len(data) == files[0].size
    assert [p.name for p in (reports_dir / "2025").iterdir()] == [f"{job.id}-{holder}.json"]
    assert db.scalars(select(Outbox.event_type)).all() == ["report_ready"]
    db.refresh(job)
    assert (job.state, job.progress, job.claim_token) == ("ready", 100, None)
    # The finished job can be claimed no more, so a late duplicate message builds nothing.
    assert pipeline.claim(db, job.id, redelivered=True) is None


def test_a_failure_that_may_pass_is_retried_until_given_up(db, reports_dir):
    job = national_job(db)

    def service_down(_job: ReportJob) -> dict:
        raise ConnectionError("survey does not answer")

    for attempt in range(1, jobs.MAX_ATTEMPTS + 1):
        token = pipeline.claim(db, job.id, redelivered=False)
        assert token is not None, attempt
        state = pipeline.build(db, job, token, service_down)
        db.refresh(job)
        assert job.error == "ConnectionError: survey does not answer"
        if attempt < jobs.MAX_ATTEMPTS:
            assert state == "queued" and job.published_at is None
            assert job.retry_at > utcnow() + jobs.retry_delay(attempt) - timedelta(seconds=5)
            assert pipeline.claim(db, job.id, redelivered=False) is None  # not before its time
            job.retry_at = utcnow() - timedelta(seconds=1)
            db.commit()
    assert (state, job.state, job.attempts) == ("failed", "failed", jobs.MAX_ATTEMPTS)


def test_missing_data_fails_at_once(db, reports_dir):
    job = national_job(db)

    def no_round(_job: ReportJob) -> dict:
        raise NotFound("no round 2025", field="year")

    token = pipeline.claim(db, job.id, redelivered=False)
    assert pipeline.build(db, job, token, no_round) == "failed"
    db.refresh(job)
    assert (job.attempts, job.error) == (1, "no data for this report: no round 2025")
