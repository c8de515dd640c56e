"""Report jobs by state and the latest activity, counted from the database by the sweep, so
every worker publishes the same figures (the dashboard's report figures and the
``ReportRunStalled`` alert)."""

from __future__ import annotations

from datetime import UTC

from prometheus_client import Gauge
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.reporting.models import ReportJob

JOB_STATES = ("queued", "building", "ready", "failed", "skipped")
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
