"""An annual run's progress in the database: counted from its jobs, and completed (and
announced) exactly once, only when every job is ready or failed."""

import json

from sqlalchemy import select

from services.reporting import runs
from services.reporting.models import AnnualRun, Outbox, ReportJob


def test_a_run_is_completed_once_when_every_job_is_ready_or_failed(db):
    run = AnnualRun(year=2025, state="running", requested_by="KL", total=3)
    db.add(run)
    db.flush()
    states = ["ready", "failed", "building"]
    for number, state in enumerate(states):
        db.add(
            ReportJob(
                kind="municipality",
                year=2025,
                municipality_id=751 + number,
                format="pdf",
                language="da",
                requested_by="KL",
                run_id=run.id,
                item_key=f"m:{number}",
                state=state,
            )
        )
    db.commit()
    assert runs.counts(db, run.id) == {"ready": 1, "failed": 1, "building": 1}
    assert runs.complete(db, run.id) is False

    db.execute(select(ReportJob).where(ReportJob.state == "building")).scalar_one().state = "ready"
    runs.job_progressed(db, run.id)
    db.commit()
    assert runs.complete(db, run.id) is True
    assert runs.complete(db, run.id) is False  # a second worker announces nothing

    found = runs.run_dict(db, db.get(AnnualRun, run.id))
    assert (found["state"], found["done"], found["failed"], found["total"]) == (
        "completed",
        2,
        1,
        3,
    )
    assert found["completed_at"].endswith("Z")
    events = [json.loads(e.payload) for e in db.scalars(select(Outbox).order_by(Outbox.id))]
    assert [(e["state"], e["done"], e["failed"]) for e in events] == [
        ("running", 2, 1),
        ("completed", 2, 1),
    ]
