"""The report-job gauges behind the dashboard's report figures and the "report run stalled"
alert: counted from the jobs table, so every reporting worker publishes the same numbers."""

from datetime import UTC, datetime

from prometheus_client import REGISTRY

from services.reporting.gauges import update_job_gauges
from services.reporting.models import ReportJob


def job(state: str, created: datetime, **moments: datetime) -> ReportJob:
    return ReportJob(
        kind="municipality",
        year=2025,
        municipality_id=751,
        format="pdf",
        language="da",
        requested_by="test",
        state=state,
        created_at=created,
        **moments,
    )


def gauge(name: str, **labels: str) -> float | None:
    return REGISTRY.get_sample_value(name, labels)


def test_jobs_are_counted_by_state_and_the_latest_activity_is_published(db):
    queued_at = datetime(2026, 3, 1, 9, 0)
    finished_at = datetime(2026, 3, 1, 9, 30)
    db.add_all(
        [
            job("queued", queued_at),
            job("queued", datetime(2026, 3, 1, 8, 0)),
            job("building", datetime(2026, 3, 1, 7, 0), started_at=datetime(2026, 3, 1, 9, 10)),
            job("ready", datetime(2026, 3, 1, 6, 0), finished_at=finished_at),
        ]
    )
    db.commit()
    update_job_gauges(db)

    assert gauge("platform_report_jobs", state="queued") == 2
    assert gauge("platform_report_jobs", state="building") == 1
    assert gauge("platform_report_jobs", state="ready") == 1
    assert gauge("platform_report_jobs", state="failed") == 0
    expected = finished_at.replace(tzinfo=UTC).timestamp()
    assert gauge("platform_report_last_activity_timestamp_seconds") == expected
