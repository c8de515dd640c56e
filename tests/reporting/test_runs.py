"""An annual run's progress in the database: counted from its jobs, and completed (and
announced) exactly once, only when every job is ready or failed."""

import json

from sqlalchemy import select

from services.reporting import jobs, pipeline, runs
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


# A small universe: municipality 751 with two units that answered and one that did not (the
# edge behind the run that counted 484: a unit the plan left out without a trace), 752 without
# units, and the national report.
UNIVERSE = {
    "m:751": "ready",
    "u:751:1": "ready",
    "u:751:2": "failed",
    "u:751:3": "skipped",
    "m:752": "ready",
    "national": "ready",
}


def build_all(db, run_id, leave=()):
    """Drive every queued job of the run through the pipeline's claim and record steps."""
    for job in db.scalars(
        select(ReportJob).where(ReportJob.run_id == run_id, ReportJob.state == "queued")
    ).all():
        if job.item_key in leave:
            continue
        token = pipeline.claim(db, job.id, redelivered=False)
        if UNIVERSE[job.item_key] == "failed":
            assert pipeline.fail(db, job.id, token, "no data", permanent=True) == "failed"
            continue
        stored = pipeline.Stored(f"2025/{job.id}.pdf", "0" * 64, 1, "r.pdf", "Rapport", 0.1)
        assert pipeline.finish(db, job, token, stored)
        runs.job_progressed(db, run_id)
        db.commit()


def planned_run(db):
    items = jobs.plan({751: [2, 1], 752: []}, {751: [3, 1]})
    run = AnnualRun(year=2025, state="running", requested_by="KL")
    db.add(run)
    db.flush()
    runs.plan_jobs(db, run, items)
    db.commit()
    return run


def test_every_due_report_of_a_run_is_built_failed_or_skipped_with_its_reason(db):
    run = planned_run(db)
    rows = {j.item_key: j for j in db.scalars(select(ReportJob).where(ReportJob.run_id == run.id))}
    assert sorted(rows) == sorted(UNIVERSE)
    assert rows["u:751:3"].error == jobs.NO_ANSWERS
    assert rows["u:751:3"].published_at is None

    build_all(db, run.id, leave={"national"})
    assert runs.complete(db, run.id) is False
    build_all(db, run.id)
    assert runs.complete(db, run.id) is True

    found = runs.run_dict(db, db.get(AnnualRun, run.id))
    states = list(UNIVERSE.values())
    assert {k: found[k] for k in ("due", "built", "failed", "skipped", "pending")} == {
        "due": len(UNIVERSE),
        "built": states.count("ready"),
        "failed": states.count("failed"),
        "skipped": states.count("skipped"),
        "pending": 0,
    }
    assert found["due"] == found["built"] + found["failed"] + found["skipped"]
    assert {j.item_key: j.state for j in rows.values()} == UNIVERSE


def test_a_run_with_a_lost_job_never_completes_and_shows_it_pending(db):
    run = planned_run(db)
    lost = db.scalars(select(ReportJob).where(ReportJob.item_key == "m:752")).one()
    db.delete(lost)
    db.commit()
    build_all(db, run.id)
    assert runs.complete(db, run.id) is False
    found = runs.run_dict(db, db.get(AnnualRun, run.id))
    assert (found["due"], found["pending"], found["state"]) == (len(UNIVERSE), 1, "running")
