"""Reports through the whole platform: processes, HTTP, a real SMTP server on loopback.

A coordinator orders PDF, DOCX and XLSX on the reports page and opens the files; a unit lead
gets the unit's management report and nothing else; another municipality gets 404; KL starts
the annual run on its page, the reporting service is killed in the middle of it and started
again, and the run completes with every report built and recorded exactly once.
"""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from nameko.standalone.rpc import ClusterRpcProxy
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import create_engine, text

from services.common.municipalities import load_municipalities
from tests.delegation.mailbox import text_of
from tests.reporting.conftest import AARHUS, PROFILES, VEJLE, YEAR, empty_work_queues, seed
from tests.support.http import Browser
from tests.support.platform import add_users, platform_env, run_platform, smtp_env
from tests.support.services import wait_for

PASSWORD = "et-langt-kodeord-til-test"
RUN_SIZE = len(PROFILES) * 3 + 1  # a municipality report and two unit reports each, + national


@pytest.fixture(scope="module")
def platform(amqp_uri, pg_database, tmp_path_factory, catcher):
    reports = tmp_path_factory.mktemp("reports")
    env = platform_env(
        amqp_uri,
        pg_database,
        tmp_path_factory,
        **smtp_env(catcher),
        REPORTS_DIR=str(reports),
        REPORTING_SWEEP_SECONDS="1",
        REPORTING_REPUBLISH_SECONDS="3",
        BENCHMARK_REFRESH_SECONDS="1",
    )
    empty_work_queues(amqp_uri)
    running = run_platform(env, tmp_path_factory)
    try:
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=60) as rpc:
            units = seed(rpc)
        add_users(
            env,
            [
                (AARHUS, "koordinator@aarhus.dk", "koordinator", "coordinator", None),
                (AARHUS, "leder.it@aarhus.dk", "leder.it", "unit_lead", units[AARHUS][0]["id"]),
                (VEJLE, "koordinator@vejle.dk", "koordinator", "coordinator", None),
                (None, "analytiker@kl.dk", "analytiker", "kl_analyst", None),
            ],
            PASSWORD,
        )
        running.reports = reports
        running.units = units
        yield running
    finally:
        running.stop()


def browser(platform, municipality, email) -> Browser:
    found = Browser(platform.base_url)
    assert found.login(municipality, email, PASSWORD).status_code in (302, 303)
    return found


def order(user: Browser, **form) -> None:
    answer = user.post_form("/rapporter", {"year": str(YEAR), "language": "da", **form})
    assert answer.status_code == 302


def ready_jobs(user: Browser, count: int) -> list[dict]:
    def done():
        jobs = user.api("GET", "/reports").json()
        finished = [j for j in jobs if j["state"] in ("ready", "failed")]
        return jobs if len(finished) >= count else None

    jobs = wait_for(done, timeout=90, interval=0.5)
    assert all(j["state"] == "ready" for j in jobs), jobs
    return jobs


def fetch(user: Browser, job: dict) -> bytes:
    page = user.get("/rapporter").text
    link = f"/rapporter/{job['id']}/fil"
    assert link in page
    response = user.get(link)
    assert response.status_code == 200
    assert response.headers["X-Report-SHA256"] == job["file"]["sha256"]
    return response.content


def test_a_coordinator_downloads_pdf_docx_and_xlsx(platform, catcher):
    aarhus = browser(platform, AARHUS, "koordinator@aarhus.dk")
    order(aarhus, report="municipality", format="pdf", notify="1")
    order(aarhus, report="municipality", format="docx")
    order(aarhus, report="municipality", format="xlsx")
    jobs = {j["format"]: j for j in ready_jobs(aarhus, 3)}

    pdf = PdfReader(io.BytesIO(fetch(aarhus, jobs["pdf"])))
    content = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Samlet rapport 2026" in content and "Aarhus" in content
    assert "Vejle" not in content
    assert len(pdf.pages) >= 6 and f"Side 2 af {len(pdf.pages)}" in content
    docx = Document(io.BytesIO(fetch(aarhus, jobs["docx"])))
    assert "1. Sammenfatning" in [p.text for p in docx.paragraphs]
    book = load_workbook(io.BytesIO(fetch(aarhus, jobs["xlsx"])))
    assert book.sheetnames == ["Scorer", "Svar", "Handlingsplan"]
    assert book["Handlingsplan"].max_row > 1

    (mail,) = catcher.wait_for("koordinator@aarhus.dk", count=1, timeout=30)
    assert f"{platform.base_url}/rapporter" in text_of(mail)
    assert "Samlet rapport 2026" in mail["Subject"]

    vejle = browser(platform, VEJLE, "koordinator@vejle.dk")
    assert vejle.get(f"/rapporter/{jobs['pdf']['id']}/fil").status_code == 404
    assert vejle.api("GET", f"/reports/{jobs['pdf']['id']}").status_code == 404
    assert vejle.api("GET", "/reports").json() == []


def test_a_unit_lead_downloads_the_own_units_management_report(platform):
    lead = browser(platform, AARHUS, "leder.it@aarhus.dk")
    page = lead.get("/rapporter").text
    assert "Ledelsesrapport: IT-drift" in page
    assert 'value="municipality"' not in page
    unit_id = platform.units[AARHUS][0]["id"]
    order(lead, report=f"unit:{unit_id}", format="pdf")
    (job,) = ready_jobs(lead, 1)
    content = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(fetch(lead, job))).pages)
    assert "Ledelsesrapport 2026" in content and "IT-drift" in content
    assert "Børn og Unge" not in content
    everything = browser(platform, AARHUS, "koordinator@aarhus.dk").api("GET", "/reports").json()
    whole = next(j for j in everything if j["kind"] == "municipality")
    assert lead.get(f"/rapporter/{whole['id']}/fil").status_code == 404


def run_state(platform) -> dict[int, tuple]:
    """The run's jobs as the reporting database holds them: state, attempts and file."""
    engine = create_engine(platform.env["DATABASE_URL_REPORTING"])
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT j.id, j.state, j.attempts, f.id AS file_id, f.sha256, f.path "
                "FROM report_jobs j LEFT JOIN report_files f ON f.job_id = j.id "
                "WHERE j.run_id IS NOT NULL ORDER BY j.id"
            )
        ).all()
    engine.dispose()
    return {r.id: (r.state, r.attempts, r.file_id, r.sha256, r.path) for r in rows}


def test_kl_annual_run_survives_a_killed_reporting_service(platform):
    kl = browser(platform, "kl", "analytiker@kl.dk")
    assert "Start årlig kørsel" in kl.get("/kl/rapporter").text
    assert kl.post_form("/kl/rapporter/aarlig-koersel", {"year": str(YEAR)}).status_code == 302

    def some_done():
        run = kl.api("GET", f"/kl/annual-runs/{YEAR}")
        return run.json() if run.status_code == 200 and run.json()["done"] >= 3 else None

    progress = wait_for(some_done, timeout=120, interval=0.2)
    assert progress["total"] == RUN_SIZE and progress["state"] == "running"
    platform.kill("reporting")
    before = run_state(platform)
    finished_before = {i: row for i, row in before.items() if row[0] == "ready"}
    assert 3 <= len(finished_before) < RUN_SIZE

    platform.start_service("reporting")
    platform.wait_healthy(("reporting",))

    def completed():
        run = kl.api("GET", f"/kl/annual-runs/{YEAR}").json()
        return run if run["state"] == "completed" else None

    run = wait_for(completed, timeout=240, interval=1)
    assert (run["done"], run["failed"], run["total"]) == (RUN_SIZE, 0, RUN_SIZE)
    after = run_state(platform)
    assert len(after) == RUN_SIZE
    assert all(state == "ready" and file_id for state, _, file_id, _, _ in after.values())
    # What was finished before the kill was not built again; at most the one build that the
    # kill interrupted ran twice, and it was recorded once.
    for job_id, row in finished_before.items():
        assert after[job_id] == row
    assert sum(attempts - 1 for _, attempts, _, _, _ in after.values()) <= 1
    stored = {p.relative_to(platform.reports).as_posix() for p in platform.reports.rglob("*.pdf")}
    assert {path for *_, path in after.values()} <= stored
    assert len(stored) == RUN_SIZE + 2  # plus the coordinator's and the unit lead's own PDFs

    page = kl.get("/kl/rapporter").text
    (link,) = re.findall(r'href="(/kl/rapporter/\d+/fil)"', page)
    national = kl.get(link)
    content = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(national.content)).pages)
    assert "National baseline 2026" in content
    names = [m["name"] for m in load_municipalities()]
    assert [n for n in names if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", content)] == []

    aarhus = browser(platform, AARHUS, "koordinator@aarhus.dk")
    from_run = [j for j in aarhus.api("GET", "/reports").json() if j["run_id"] is not None]
    assert len(from_run) == 3 and {j["kind"] for j in from_run} == {"municipality", "unit"}
