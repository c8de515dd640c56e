"""The report pages and API with a fake reporting service: the session decides the
municipality and the reach of a unit lead, files come back intact, KL and municipalities stay on
their own side."""

import hashlib

import pytest

from tests.gateway.conftest import MUNICIPALITY, OTHER_MUNICIPALITY, FakeRpc
from tests.reporting.fakes import PDF, fake_rpc_with_reporting


@pytest.fixture
def fake_rpc() -> FakeRpc:
    """The gateway tests' fake services, with a reporting service that keeps jobs."""
    return fake_rpc_with_reporting()


def test_a_coordinator_orders_a_report_for_the_own_municipality_only(client, login, csrf, fake_rpc):
    login()
    page = client.get("/rapporter")
    assert page.status_code == 200
    assert "Samlet rapport for kommunen" in page.text
    assert "Ledelsesrapport: Vej og Park" in page.text
    answer = client.post(
        "/rapporter",
        data={
            "csrf_token": csrf(client),
            "year": "2025",
            "report": "unit:2",
            "format": "docx",
            "language": "en",
            "notify": "1",
            "municipality_id": str(OTHER_MUNICIPALITY),
        },
    )
    assert answer.status_code == 302
    ((_, municipality_id, data, requester),) = fake_rpc.reporting.requests
    assert municipality_id == MUNICIPALITY
    assert data == {
        "kind": "unit",
        "unit_id": 2,
        "year": 2025,
        "format": "docx",
        "language": "en",
        "notify": True,
    }
    assert requester["role"] == "coordinator" and requester["email"] == "koordinator@kk.dk"
    listing = client.get("/rapporter")
    assert "Ledelsesrapport 2025 · Teknik og Miljø" in listing.text
    assert "Danner filen" in listing.text
    assert listing.headers["Refresh"] == "3"


def test_download_is_the_stored_file_and_another_municipality_gets_404(client, login, fake_rpc):
    own = fake_rpc.reporting._job(MUNICIPALITY, "municipality", 2025)
    other = fake_rpc.reporting._job(OTHER_MUNICIPALITY, "municipality", 2025)
    login()
    response = client.get(f"/rapporter/{own['id']}/fil")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Report-SHA256"] == hashlib.sha256(PDF).hexdigest()
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert client.get(f"/rapporter/{other['id']}/fil").status_code == 404
    assert client.get(f"/api/v1/reports/{other['id']}/file").status_code == 404
    assert client.get(f"/api/v1/reports/{own['id']}/file").data == PDF
    downloads = [e for e in client.get("/api/v1/audit").get_json() if e["role"] == "coordinator"]
    downloads = [e for e in downloads if e["action"] == "report.downloaded"]
    assert [e["target"] for e in downloads] == [str(own["id"])] * 2


def test_an_html_report_opens_inline_without_scripts(client, login, fake_rpc):
    job = fake_rpc.reporting._job(MUNICIPALITY, "municipality", 2025, fmt="html")
    login()
    response = client.get(f"/rapporter/{job['id']}/fil?vis=1")
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_a_unit_lead_reaches_only_the_own_units_reports(client, login, csrf, fake_rpc):
    own = fake_rpc.reporting._job(MUNICIPALITY, "unit", 2025, unit_id=3)
    whole = fake_rpc.reporting._job(MUNICIPALITY, "municipality", 2025)
    foreign_unit = fake_rpc.reporting._job(MUNICIPALITY, "unit", 2025, unit_id=1)
    login("leder@kk.dk")
    page = client.get("/rapporter")
    assert "Samlet rapport for kommunen" not in page.text
    assert "Ledelsesrapport: Teknik og Miljø" in page.text
    assert "Ledelsesrapport: Vej og Park" in page.text
    assert "Ledelsesrapport: Borgerservice" not in page.text
    assert client.get(f"/rapporter/{own['id']}/fil").status_code == 200
    assert client.get(f"/rapporter/{whole['id']}/fil").status_code == 404
    assert client.get(f"/rapporter/{foreign_unit['id']}/fil").status_code == 404
    client.post(
        "/rapporter",
        data={"csrf_token": csrf(client), "year": "2025", "report": "municipality"},
    )
    assert fake_rpc.reporting.requests == [
        (
            "request_report",
            MUNICIPALITY,
            {
                "kind": "municipality",
                "unit_id": None,
                "year": 2025,
                "format": "pdf",
                "language": "da",
                "notify": False,
            },
            {
                "user_id": fake_rpc.reporting.requests[0][3]["user_id"],
                "name": "Leder",
                "role": "unit_lead",
                "email": "leder@kk.dk",
                "unit_ids": [2, 3],
            },
        )
    ]
    assert [j["id"] for j in client.get("/api/v1/reports").get_json()] == [own["id"]]


def test_kl_starts_the_annual_run_and_gets_the_national_report(client, login, csrf, fake_rpc):
    login("analytiker@kl.dk", municipality="kl")
    page = client.get("/kl/rapporter")
    assert page.status_code == 200 and "Start årlig kørsel" in page.text
    client.post("/kl/rapporter/aarlig-koersel", data={"csrf_token": csrf(client), "year": "2025"})
    assert fake_rpc.reporting.requests[0][:2] == ("request_annual_run", 2025)
    page = client.get("/kl/rapporter")
    assert (
        "25 rapporter skal dannes: 3 dannet, 0 fejlet, 1 sprunget over (enhed uden besvarelser)"
        in page.text
    )
    assert '<progress max="25" value="4">' in page.text
    assert page.headers["Refresh"] == "3"
    national = fake_rpc.reporting._job(None, "national", 2025)
    assert client.get(f"/kl/rapporter/{national['id']}/fil").data == PDF
    assert client.get("/rapporter").status_code == 403


def test_municipal_users_cannot_reach_kl_reports(client, login, api_headers, fake_rpc):
    national = fake_rpc.reporting._job(None, "national", 2025)
    login()
    assert client.get("/kl/rapporter").status_code == 403
    assert client.get(f"/kl/rapporter/{national['id']}/fil").status_code == 403
    assert client.get("/api/v1/kl/annual-runs").status_code == 403
    started = client.post("/api/v1/kl/annual-runs", json={"year": 2025}, headers=api_headers())
    assert started.status_code == 403
    assert fake_rpc.reporting.requests == []


def test_api_orders_with_the_session_municipality_and_validates(
    client, login, api_headers, fake_rpc
):
    login()
    created = client.post(
        "/api/v1/reports",
        json={"kind": "municipality", "year": 2025, "format": "xlsx", "municipality_id": 751},
        headers=api_headers(),
    )
    assert created.status_code == 202 and created.get_json()["state"] == "queued"
    assert fake_rpc.reporting.requests[0][1] == MUNICIPALITY
    bad = client.post(
        "/api/v1/reports",
        json={"kind": "municipality", "year": 2025, "format": "odt"},
        headers=api_headers(),
    )
    assert bad.status_code == 422 and bad.get_json()["field"] == "format"
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/reports", "/api/v1/reports/{job_id}/file", "/api/v1/kl/annual-runs"):
        assert path in paths


def test_a_report_the_annual_run_skipped_says_why_and_offers_no_file(client, login, fake_rpc):
    skipped = fake_rpc.reporting._job(MUNICIPALITY, "unit", 2025, unit_id=3, state="skipped")
    skipped.update(step="skipped", progress=100, file=None, error="no answers from the unit")
    login()
    listing = client.get("/rapporter")
    assert "Ikke dannet: enheden har ikke svaret i runden" in listing.text
    assert "reports.step" not in listing.text
    assert f"/rapporter/{skipped['id']}/fil" not in listing.text
    listed = client.get("/api/v1/reports").get_json()
    assert [job["state"] for job in listed if job["id"] == skipped["id"]] == ["skipped"]
