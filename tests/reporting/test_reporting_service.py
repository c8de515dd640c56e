"""The reporting service against RabbitMQ and PostgreSQL with the real survey, scoring,
benchmark and mail services: jobs, files and checksums, tenancy and roles, e-mail through the
mail service, events, and KL's annual run shared by two workers, each report once."""

import base64
import hashlib
import io
import json

import pytest
from nameko.events import event_handler
from pypdf import PdfReader
from sqlalchemy import create_engine, text

from services.benchmark.service import BenchmarkService
from services.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.mail.service import MailService
from services.reporting.service import ReportingService
from services.reporting.workqueue import WORK_QUEUE, publish
from services.scoring.service import ScoringService
from services.survey.service import SurveyService
from tests.reporting.conftest import AARHUS, VEJLE, YEAR, empty_work_queues, seed
from tests.support.services import rpc_proxy, start_services, wait_for
from tools.request_annual_run import publish_request

COORDINATOR = {
    "user_id": 1,
    "name": "Mette Kjær",
    "role": "coordinator",
    "email": "mette@aarhus.dk",
    "unit_ids": None,
}
KL = {"user_id": 9, "name": "Anne Friis (KL)", "role": "kl_analyst", "email": None}


class EventLog:
    """Collects the reporting service's events, as any consumer would get them."""

    name = "reporting_event_log"
    seen: list[tuple[str, dict]] = []

    @event_handler("reporting", "report_ready")
    def on_ready(self, payload):
        EventLog.seen.append(("report_ready", payload))

    @event_handler("reporting", "annual_run_progressed")
    def on_progress(self, payload):
        EventLog.seen.append(("annual_run_progressed", payload))


@pytest.fixture
def platform(container_factory, service_config, reports_dir):
    config = service_config("survey", "scoring", "benchmark", "mail", "reporting")
    empty_work_queues(config["AMQP_URI"])
    EventLog.seen = []
    start_services(
        container_factory,
        config,
        SurveyService,
        ScoringService,
        BenchmarkService,
        MailService,
        ReportingService,
        EventLog,
    )
    with rpc_proxy(config, timeout=60) as rpc:
        rpc.units = seed(rpc)
        rpc.config = config
        rpc.container_factory = container_factory
        yield rpc


def wait_ready(rpc, municipality_id, job_id, viewer=COORDINATOR, timeout=60):
    def done():
        job = rpc.reporting.get_report(municipality_id, job_id, viewer)
        return job if job["state"] in ("ready", "failed") else None

    job = wait_for(done, timeout=timeout, interval=0.3)
    assert job["state"] == "ready", job
    return job


def download(rpc, municipality_id, job_id, viewer=COORDINATOR) -> bytes:
    found = rpc.reporting.download_report(municipality_id, job_id, viewer)
    data = base64.b64decode(found["content"])
    assert hashlib.sha256(data).hexdigest() == found["sha256"]
    assert len(data) == found["size"]
    return data


def pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def test_a_municipality_report_is_built_stored_with_its_checksum_and_announced(
    platform, reports_dir
):
    job = platform.reporting.request_report(
        AARHUS, {"kind": "municipality", "year": YEAR, "format": "pdf"}, COORDINATOR
    )
    assert job["state"] == "queued" and job["progress"] == 0
    ready = wait_ready(platform, AARHUS, job["id"])
    assert ready["progress"] == 100
    assert ready["file"]["filename"] == "samlet-rapport-2026-aarhus.pdf"
    data = download(platform, AARHUS, job["id"])
    text_, pages = pdf_text(data)
    assert "Samlet rapport 2026" in text_ and "Aarhus" in text_
    assert "Vejle" not in text_
    assert pages >= 6
    stored = list(reports_dir.rglob("*.pdf"))
    assert (
        len(stored) == 1
        and hashlib.sha256(stored[0].read_bytes()).hexdigest() == (ready["file"]["sha256"])
    )
    ready_events = wait_for(
        lambda: [p for kind, p in EventLog.seen if kind == "report_ready"], timeout=10
    )
    assert ready_events[0]["job_id"] == job["id"]
    assert ready_events[0]["municipality_id"] == AARHUS
    assert ready_events[0]["sha256"] == ready["file"]["sha256"]


def test_a_damaged_file_is_refused_not_handed_out(platform, reports_dir):
    job = platform.reporting.request_report(
        AARHUS, {"kind": "municipality", "year": YEAR, "format": "csv"}, COORDINATOR
    )
    wait_ready(platform, AARHUS, job["id"])
    (stored,) = reports_dir.rglob("*.csv")
    stored.write_bytes(stored.read_bytes() + b"tampered")
    with pytest.raises(NotFound):
        platform.reporting.download_report(AARHUS, job["id"], COORDINATOR)


def test_tenancy_and_roles(platform):
    it_drift = platform.units[AARHUS][0]["id"]
    other_unit = platform.units[AARHUS][1]["id"]
    lead = {"name": "Jonas Holm", "role": "unit_lead", "unit_ids": [it_drift]}
    vejle = dict(COORDINATOR, name="Peter Dahl", email="peter@vejle.dk")

    job = platform.reporting.request_report(
        AARHUS, {"kind": "unit", "year": YEAR, "unit_id": it_drift}, lead
    )
    whole = platform.reporting.request_report(
        AARHUS, {"kind": "municipality", "year": YEAR, "format": "json"}, COORDINATOR
    )
    wait_ready(platform, AARHUS, job["id"], lead)
    wait_ready(platform, AARHUS, whole["id"])

    # Another municipality: as if the report did not exist.
    for call in (
        lambda: platform.reporting.get_report(VEJLE, job["id"], vejle),
        lambda: platform.reporting.download_report(VEJLE, job["id"], vejle),
        lambda: platform.reporting.download_report(VEJLE, whole["id"], vejle),
    ):
        with pytest.raises(NotFound):
            call()
    assert platform.reporting.list_reports(VEJLE, vejle) == []
    # Another municipality's unit cannot be asked for.
    with pytest.raises(NotFound):
        platform.reporting.request_report(
            VEJLE, {"kind": "unit", "year": YEAR, "unit_id": it_drift}, vejle
        )

    # A unit lead: only the own unit's management report.
    assert [j["id"] for j in platform.reporting.list_reports(AARHUS, lead)] == [job["id"]]
    with pytest.raises(NotFound):
        platform.reporting.download_report(AARHUS, whole["id"], lead)
    with pytest.raises(Forbidden):
        platform.reporting.request_report(AARHUS, {"kind": "municipality", "year": YEAR}, lead)
    with pytest.raises(Forbidden):
        platform.reporting.request_report(
            AARHUS, {"kind": "unit", "year": YEAR, "unit_id": other_unit}, lead
        )
    # KL: national reports only; municipalities cannot ask for them.
    with pytest.raises(Forbidden):
        platform.reporting.request_national_report({"year": YEAR}, COORDINATOR)
    with pytest.raises(ValidationFailed) as bad:
        platform.reporting.request_report(
            AARHUS, {"kind": "municipality", "year": YEAR, "format": "odt"}, COORDINATOR
        )
    assert bad.value.field == "format"
    with pytest.raises(NotFound):
        platform.reporting.request_report(
            AARHUS, {"kind": "municipality", "year": 2030}, COORDINATOR
        )

    data = json.loads(download(platform, AARHUS, whole["id"]))
    assert data["report"]["municipality_id"] == AARHUS
    assert "Vejle" not in json.dumps(data, ensure_ascii=False)


def test_the_requester_is_mailed_through_the_mail_service(platform):
    order = {"kind": "municipality", "year": YEAR, "format": "xlsx", "notify": True}
    job = platform.reporting.request_report(AARHUS, order, COORDINATOR)
    wait_ready(platform, AARHUS, job["id"])
    engine = create_engine(platform.config["DATABASE_URL_MAIL"])

    def queued():
        with engine.connect() as conn:
            return conn.execute(
                text("SELECT to_addr, subject, text_body, kind FROM mail_messages")
            ).all()

    (row,) = wait_for(queued, timeout=20)
    engine.dispose()
    assert row.to_addr == "mette@aarhus.dk" and row.kind == "report_ready"
    assert "Samlet rapport 2026" in row.subject
    assert "/rapporter" in row.text_body
    # Asking again with the same key queues nothing more (the sweeper may call again).
    again = platform.mail.queue_mail(
        f"report_ready:{job['id']}",
        {
            "kind": "report_ready",
            "to_name": "x",
            "to_addr": "x@example.dk",
            "subject": "s",
            "text": "t",
            "html": "h",
        },
    )
    assert again["created"] is False


def test_annual_run_needs_a_closed_round(container_factory, service_config, reports_dir):
    config = service_config("survey", "scoring", "benchmark", "reporting")
    empty_work_queues(config["AMQP_URI"])
    start_services(
        container_factory, config, SurveyService, ScoringService, BenchmarkService, ReportingService
    )
    with rpc_proxy(config, timeout=60) as rpc:
        seed(rpc, {AARHUS: (3, "yes", "some", 50)}, close=False)
        with pytest.raises(Conflict):
            rpc.reporting.request_annual_run(YEAR, KL)
        with pytest.raises(Forbidden):
            rpc.reporting.request_annual_run(YEAR, COORDINATOR)


def test_annual_run_shared_by_two_workers_builds_each_report_once(platform, reports_dir):
    second = platform.container_factory(ReportingService, platform.config)
    second.start()
    publish_request(platform.config["AMQP_URI"], YEAR)
    publish_request(platform.config["AMQP_URI"], YEAR)  # asked twice: still one run

    def completed():
        try:
            run = platform.reporting.get_annual_run(YEAR)
        except NotFound:
            return None
        return run if run["state"] == "completed" else None

    run = wait_for(completed, timeout=240, interval=1)
    # Eight municipality reports, sixteen unit reports, one national report.
    assert (run["total"], run["done"], run["failed"]) == (25, 25, 0)
    assert [run[k] for k in ("due", "built", "failed", "skipped", "pending")] == [25, 25, 0, 0, 0]
    found = platform.reporting.get_annual_run(YEAR, with_jobs=True)["jobs"]
    assert len({j["item_key"] for j in found}) == 25
    assert all(j["attempts"] == 1 for j in found)
    files = sorted(p for p in reports_dir.rglob("*.pdf"))
    assert len(files) == 25
    assert sorted(hashlib.sha256(p.read_bytes()).hexdigest() for p in files) == sorted(
        j["file"]["sha256"] for j in found
    )

    # Duplicate build messages (a redelivery, a republish) change nothing.
    publish(platform.config["AMQP_URI"], WORK_QUEUE, [{"job_id": j["id"]} for j in found[:5]])
    platform.reporting.request_annual_run(YEAR, KL)
    wait_for(lambda: len([k for k, _ in EventLog.seen if k == "report_ready"]) >= 25, timeout=20)
    again = platform.reporting.get_annual_run(YEAR, with_jobs=True)["jobs"]
    assert [(j["id"], j["attempts"], j["file"]["sha256"]) for j in again] == [
        (j["id"], j["attempts"], j["file"]["sha256"]) for j in found
    ]
    assert len(list(reports_dir.rglob("*.pdf"))) == 25

    progressed = [p for kind, p in EventLog.seen if kind == "annual_run_progressed"]
    assert progressed[-1]["state"] == "completed" and progressed[-1]["done"] == 25
    assert len([k for k, _ in EventLog.seen if k == "report_ready"]) == 25

    national = next(j for j in found if j["kind"] == "national")
    assert platform.reporting.list_annual_runs() == [platform.reporting.get_annual_run(YEAR)]
    listed = platform.reporting.list_national_reports(YEAR)
    assert [(j["id"], j["file"]["sha256"]) for j in listed] == [
        (national["id"], national["file"]["sha256"])
    ]
    data = base64.b64decode(platform.reporting.download_national_report(national["id"])["content"])
    text_, pages = pdf_text(data)
    assert "National baseline 2026" in text_
    for name in ("Aarhus", "Vejle", "IT-drift", "København"):
        assert name not in text_
    assert pages >= 6
