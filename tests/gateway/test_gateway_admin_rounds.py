"""Round administration through the gateway, against the real survey service."""

import io

import pytest

from gateway import create_app
from gateway.identity.accounts import create_user
from gateway.rpc import RpcClient
from services.survey.service import SurveyService
from tests.support.questionnaires import SMALL_2026
from tests.support.services import start_services

PASSWORD = "et-langt-kodeord-til-test"


@pytest.fixture
def admin_app(tmp_path, container_factory, service_config):
    config = service_config("survey")
    start_services(container_factory, config, SurveyService)
    rpc = RpcClient(config, timeout=10, pool_size=2)
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path}/gw.db", "SECRET_KEY": "k", "TESTING": True},
        rpc=rpc,
    )
    with app.app_context():
        db = app.extensions["gateway_db"]()
        create_user(
            db,
            municipality_id=None,
            email="admin@kl.dk",
            name="Admin",
            role="admin",
            password=PASSWORD,
            unit_id=None,
        )
        create_user(
            db,
            municipality_id=751,
            email="k@aarhus.dk",
            name="K",
            role="coordinator",
            password=PASSWORD,
            unit_id=None,
        )
        db.commit()
        db.close()
    yield app
    rpc.close()


def logged_in(app, municipality, email):
    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as session:
        token = session["csrf"]
    response = client.post(
        "/login",
        data={
            "municipality": municipality,
            "email": email,
            "password": PASSWORD,
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    return client, client.get("/api/v1/me").get_json()["csrf_token"]


def test_admin_imports_creates_opens_and_closes_in_the_browser(admin_app):
    client, token = logged_in(admin_app, "kl", "admin@kl.dk")
    broken = SMALL_2026.replace("weight: 3", "weight: nul")
    page = client.post(
        "/admin/spoergerammer",
        data={"csrf_token": token, "file": (io.BytesIO(broken.encode()), "2026.yaml")},
        content_type="multipart/form-data",
    )
    assert page.status_code == 422
    assert "ownership.owners" in page.get_data(as_text=True)
    page = client.post(
        "/admin/spoergerammer",
        data={"csrf_token": token, "file": (io.BytesIO(SMALL_2026.encode()), "2026.yaml")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "2026.1" in page.get_data(as_text=True)
    client.post("/admin/runder", data={"csrf_token": token, "year": "2026"})
    client.post("/admin/runder/2026/aabn", data={"csrf_token": token})
    confirm = client.get("/admin/runder/2026/luk")
    assert "Ja, luk runden 2026" in confirm.get_data(as_text=True)
    client.post("/admin/runder/2026/luk", data={"csrf_token": token})
    rounds = client.get("/api/v1/rounds").get_json()
    assert [(r["year"], r["state"]) for r in rounds] == [(2026, "closed")]


def test_admin_api_and_refusals(admin_app):
    client, _ = logged_in(admin_app, "kl", "admin@kl.dk")
    headers = {"X-CSRF-Token": client.get("/api/v1/me").get_json()["csrf_token"]}
    created = client.post(
        "/api/v1/admin/questionnaires", json={"yaml": SMALL_2026}, headers=headers
    )
    assert created.status_code == 201 and created.get_json()["questions"] == 6
    assert (
        client.post("/api/v1/admin/rounds", json={"year": 2026}, headers=headers).status_code == 201
    )
    duplicate = client.post("/api/v1/admin/rounds", json={"year": 2026}, headers=headers)
    assert duplicate.status_code == 409
    assert duplicate.get_json()["field"] == "year"
    no_questionnaire = client.post("/api/v1/admin/rounds", json={"year": 2030}, headers=headers)
    assert no_questionnaire.status_code == 404
    assert (
        client.post("/api/v1/admin/rounds/2026/open", headers=headers).get_json()["state"] == "open"
    )
    again = client.post("/api/v1/admin/rounds/2026/open", headers=headers)
    assert again.status_code == 409
    changed = client.post(
        "/api/v1/admin/questionnaires",
        json={"yaml": SMALL_2026.replace("Testspørgeramme", "Ændret")},
        headers=headers,
    )
    assert changed.status_code == 409
    assert (
        client.post("/api/v1/admin/rounds/2026/close", headers=headers).get_json()["state"]
        == "closed"
    )


def test_only_the_admin_administers_rounds(admin_app):
    client, token = logged_in(admin_app, "751", "k@aarhus.dk")
    headers = {"X-CSRF-Token": client.get("/api/v1/me").get_json()["csrf_token"]}
    assert client.get("/admin/runder").status_code == 403
    assert (
        client.post("/api/v1/admin/rounds", json={"year": 2026}, headers=headers).status_code == 403
    )
    assert (
        client.post("/admin/runder", data={"csrf_token": token, "year": "2026"}).status_code == 403
    )
    assert client.get("/api/v1/admin/questionnaires").status_code == 403
    anonymous = admin_app.test_client()
    assert anonymous.get("/api/v1/admin/questionnaires").status_code == 401
