"""The gateway's delegation pages and API with a fake RPC client: roles, tenancy, errors."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from gateway.models import AuditEntry
from services.common.errors import Conflict, NotFound, TooManyAttempts, ValidationFailed
from tests.gateway.conftest import MUNICIPALITY

TOKEN = "T" * 43


def delegation(**overrides) -> dict:
    return {
        "id": 5,
        "year": 2026,
        "unit_id": None,
        "unit_name": None,
        "kind": "question",
        "area_key": None,
        "question_keys": ["governance.policy"],
        "delegate_name": "Ole Hansen",
        "delegate_email": "ole@kk.dk",
        "message": None,
        "due_date": "2026-03-20",
        "expires_at": "2026-04-03T22:00:00Z",
        "state": "submitted",
        "active": True,
        "overdue": False,
        "review_comment": None,
        "delegator_name": "Koordinator",
        "replaces_id": None,
        "revision": 3,
        "created_at": "2026-03-01T10:00:00Z",
        "updated_at": "2026-03-02T10:00:00Z",
        "mail_failed": False,
        "mail_error": None,
        "mail_pending": 0,
        "transitions": [],
        "mails": [],
        **overrides,
    }


class FakeDelegation:
    """The delegation service's RPC surface; only municipality 101 has delegation 5."""

    def __init__(self) -> None:
        self.refuse_link: Exception | None = None
        self.fail_next: Exception | None = None
        self.state = "submitted"

    def health(self) -> dict:
        return {"service": "delegation", "status": "ok"}

    def _own(self, municipality_id: int, delegation_id: int) -> dict:
        if municipality_id != MUNICIPALITY or delegation_id != 5:
            raise NotFound("no delegation")
        return delegation(state=self.state)

    def create_delegation(self, municipality_id, year, data, actor):
        if self.fail_next is not None:
            error, self.fail_next = self.fail_next, None
            raise error
        return delegation(id=6, state="assigned", delegate_name=data["delegate_name"])

    def list_delegations(self, municipality_id, year, actor, unit_id=None, state=None):
        return [delegation()] if municipality_id == MUNICIPALITY else []

    def get_delegation(self, municipality_id, delegation_id, actor):
        return self._own(municipality_id, delegation_id)

    def overview(self, municipality_id, year, actor):
        return {
            "year": year,
            "counts": {"submitted": 1},
            "open": 1,
            "overdue": 0,
            "awaiting_review": 1,
            "mail_failed": 0,
            "targets": [
                {
                    "unit_id": None,
                    "unit_name": None,
                    "areas": {
                        "governance": [
                            {
                                "question_key": "governance.policy",
                                "delegation_id": 5,
                                "delegate_name": "Ole Hansen",
                                "state": "submitted",
                                "overdue": False,
                                "due_date": "2026-03-20",
                            }
                        ]
                    },
                }
            ],
        }

    def approve_delegation(self, municipality_id, delegation_id, actor, comment=None):
        return {**self._own(municipality_id, delegation_id), "state": "approved"}

    def send_back_delegation(self, municipality_id, delegation_id, comment, actor):
        return {**self._own(municipality_id, delegation_id), "state": "sent_back"}

    def revoke_delegation(self, municipality_id, delegation_id, actor, comment=None):
        return {**self._own(municipality_id, delegation_id), "state": "revoked"}

    def extend_delegation(self, municipality_id, delegation_id, due_date, actor):
        self._own(municipality_id, delegation_id)
        raise Conflict("a submitted delegation cannot be extended", field="state")

    def redelegate(self, municipality_id, delegation_id, data, actor):
        self._own(municipality_id, delegation_id)
        return delegation(id=7, state="assigned", replaces_id=5)

    def get_digest(self, municipality_id, actor):
        return {"enabled": False}

    def set_digest(self, municipality_id, actor, enabled):
        return {"enabled": enabled}

    def open_link(self, token, client=None):
        if self.refuse_link is not None:
            raise self.refuse_link
        return {
            "delegation": {
                "municipality_id": 101,
                "year": 2026,
                "unit_id": None,
                "scope_name": {"da": "kommunen samlet", "en": "the municipality"},
                "municipality_name": "København",
                "delegate_name": "Ole Hansen",
                "delegator_name": "Koordinator",
                "message": "Tak for hjælpen",
                "due_date": "2026-03-20",
                "expires_at": "2026-04-03T22:00:00Z",
                "state": "assigned",
                "overdue": False,
                "editable": True,
                "review_comment": None,
                "question_keys": ["governance.policy"],
            },
            "areas": [
                {
                    "key": "governance",
                    "title": {"da": "Ledelse", "en": "Governance"},
                    "questions": [self.question],
                }
            ],
            "answers": [],
        }

    def delegate_save(self, token, answers, client=None):
        if self.fail_next is not None:
            error, self.fail_next = self.fail_next, None
            raise error
        return {"saved": len(answers), **self.open_link(token)}

    delegate_submit = delegate_save


@pytest.fixture
def fake_delegation(fake_rpc):
    fake = FakeDelegation()
    fake.question = fake_rpc.survey.questionnaires[2026]["areas"][0]["questions"][0]
    fake_rpc.services["delegation"] = fake
    return fake


def audit_entries(app):
    db = app.extensions["gateway_db"]()
    try:
        return list(db.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    finally:
        db.close()


def calls(fake_rpc, method):
    return [c for c in fake_rpc.calls if c[0] == "delegation" and c[1] == method]


def test_municipality_and_actor_come_from_the_session(
    client, login, api_headers, fake_rpc, fake_delegation
):
    login()
    response = client.post(
        "/api/v1/delegations",
        json={
            "year": 2026,
            "municipality_id": 751,
            "kind": "question",
            "question_keys": ["governance.policy"],
            "delegate_name": "Ole",
            "delegate_email": "ole@kk.dk",
            "due_date": "2026-03-20",
        },
        headers=api_headers(),
    )
    assert response.status_code == 201
    assert response.headers["Location"].endswith("/api/v1/delegations/6")
    _, _, _, args = calls(fake_rpc, "create_delegation")[0]
    assert args["municipality_id"] == MUNICIPALITY and args["year"] == 2026
    assert "municipality_id" not in args["data"]
    assert args["actor"]["role"] == "coordinator"
    assert args["actor"]["email"] == "koordinator@kk.dk"


def test_other_municipalitys_delegation_is_not_found(client, login, api_headers, fake_delegation):
    login("koordinator@aarhus.dk", municipality=751)
    assert client.get("/api/v1/delegations/5").status_code == 404
    approve = client.post("/api/v1/delegations/5/approve", json={}, headers=api_headers())
    assert approve.status_code == 404
    assert approve.headers["Content-Type"].startswith("application/problem+json")
    assert client.get("/runder/2026/delegeringer/5").status_code == 404


@pytest.mark.parametrize("email", ["besvarer@kk.dk", "analytiker@kl.dk"])
def test_respondents_and_kl_cannot_delegate(client, login, email, fake_delegation):
    login(email, municipality="kl" if "kl.dk" in email else MUNICIPALITY)
    assert client.get("/api/v1/delegations?year=2026").status_code == 403
    assert client.get("/runder/2026/delegeringer").status_code == 403


def test_service_errors_become_problems_naming_the_field(
    client, login, api_headers, fake_delegation
):
    login()
    fake_delegation.fail_next = ValidationFailed("bad date", field="due_date")
    body = {
        "year": 2026,
        "kind": "unit",
        "delegate_name": "Ole",
        "delegate_email": "ole@kk.dk",
        "due_date": "x",
    }
    bad = client.post("/api/v1/delegations", json=body, headers=api_headers())
    assert bad.status_code == 422 and bad.get_json()["field"] == "due_date"
    missing = client.post("/api/v1/delegations", json={"year": 2026}, headers=api_headers())
    assert missing.status_code == 422
    conflict = client.post(
        "/api/v1/delegations/5/extend", json={"due_date": "2026-04-01"}, headers=api_headers()
    )
    assert conflict.status_code == 409 and conflict.get_json()["field"] == "state"
    no_csrf = client.post("/api/v1/delegations/5/approve", json={})
    assert no_csrf.status_code == 403


def test_overview_and_review_pages(client, login, csrf, fake_rpc, fake_delegation):
    login()
    page = client.get("/runder/2026/delegeringer")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Ole Hansen" in text and "Afventer godkendelse" in text and "1 af 2 delegeret" in text
    detail = client.get("/runder/2026/delegeringer/5").get_data(as_text=True)
    assert "Godkend svarene" in detail and "Send tilbage med kommentar" in detail
    empty = client.post(
        "/runder/2026/delegeringer/5/send-tilbage",
        data={"comment": " ", "csrf_token": csrf(client)},
    )
    assert empty.status_code == 422
    assert not calls(fake_rpc, "send_back_delegation")
    approved = client.post("/runder/2026/delegeringer/5/godkend", data={"csrf_token": csrf(client)})
    assert approved.status_code == 302
    assert calls(fake_rpc, "approve_delegation")[0][3]["municipality_id"] == MUNICIPALITY
    assert calls(fake_rpc, "approve_delegation")[0][3]["delegation_id"] == 5


@pytest.mark.parametrize(
    "state", ["assigned", "in_progress", "submitted", "sent_back", "approved", "revoked"]
)
def test_the_delegation_page_renders_in_every_state(client, login, fake_delegation, state):
    fake_delegation.state = state
    login()
    page = client.get("/runder/2026/delegeringer/5")
    assert page.status_code == 200, state


def test_new_delegation_form_shows_errors_next_to_fields(client, login, csrf, fake_delegation):
    login()
    form = client.get("/runder/2026/delegeringer/ny?unit=kommune&area=governance")
    assert form.status_code == 200
    assert "delegeret til Ole Hansen" in form.get_data(as_text=True)
    fake_delegation.fail_next = ValidationFailed("not an address", field="delegate_email")
    posted = client.post(
        "/runder/2026/delegeringer/ny?unit=kommune&area=governance",
        data={
            "kind": "questions",
            "question_keys": ["governance.training"],
            "delegate_name": "Ole",
            "delegate_email": "ole",
            "due_date": "2026-03-20",
            "csrf_token": csrf(client),
        },
    )
    assert posted.status_code == 422
    assert "Skriv en gyldig e-mailadresse" in posted.get_data(as_text=True)
    assert client.get("/runder/2026/delegeringer/ny?unit=999").status_code == 404


@pytest.mark.parametrize(
    ("error", "status"),
    [(NotFound("no"), 404), (TooManyAttempts("slow down"), 429)],
)
def test_refused_links_get_one_bilingual_page(client, fake_delegation, error, status):
    fake_delegation.refuse_link = error
    page = client.get(f"/delegering/{TOKEN}")
    assert page.status_code == status
    text = page.get_data(as_text=True)
    if status == 404:
        assert "Linket virker ikke" in text and "The link does not work" in text
    assert TOKEN not in text
    assert page.headers["Cache-Control"] == "no-store"


def test_delegate_page_without_login_saves_only_delegated_questions(
    client, csrf, fake_rpc, fake_delegation
):
    page = client.get(f"/delegering/{TOKEN}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Tak for hjælpen" in text and "Hjælp til governance.policy" in text
    assert "governance.training" not in text
    assert re.search(r'name="viewport" content="width=device-width', text)
    saved = client.post(
        f"/delegering/{TOKEN}",
        data={
            "action": "save",
            "value-governance.policy": "3",
            "value-governance.training": "yes",
            "csrf_token": csrf(client),
        },
    )
    assert saved.status_code == 302
    _, _, _, args = calls(fake_rpc, "delegate_save")[0]
    assert args["token"] == TOKEN
    assert [a["question_key"] for a in args["answers"]] == ["governance.policy"]
    entries = audit_entries(client.application)
    assert [(e.municipality_id, e.actor_name, e.actor_role, e.action) for e in entries] == [
        (101, "Ole Hansen", "delegate", "answers.saved")
    ]
    assert TOKEN not in str([(e.target, e.detail) for e in entries])
    fake_delegation.fail_next = ValidationFailed("level 1-5", field="answers[0].value")
    bad = client.post(
        f"/delegering/{TOKEN}",
        data={"action": "submit", "value-governance.policy": "4", "csrf_token": csrf(client)},
    )
    assert bad.status_code == 422
    no_token = client.post(f"/delegering/{TOKEN}", data={"action": "save"})
    assert no_token.status_code == 400


def test_openapi_documents_the_delegation_routes(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path in (
        "/api/v1/delegations",
        "/api/v1/delegations/overview",
        "/api/v1/delegations/digest",
        "/api/v1/delegations/{delegation_id}",
        "/api/v1/delegations/{delegation_id}/approve",
        "/api/v1/delegations/{delegation_id}/send-back",
        "/api/v1/delegations/{delegation_id}/extend",
        "/api/v1/delegations/{delegation_id}/redelegate",
        "/api/v1/delegations/{delegation_id}/revoke",
    ):
        assert path in document["paths"], path
    create = document["paths"]["/api/v1/delegations"]["post"]
    assert "201" in create["responses"] and "409" in create["responses"]
    schema = document["components"]["schemas"]["DelegationIn"]
    assert schema["properties"]["due_date"]["format"] == "date"


def test_unit_lead_delegates_within_own_units(client, login, fake_rpc, fake_delegation):
    login("leder@kk.dk")
    assert client.get("/api/v1/delegations?year=2026").status_code == 200
    _, _, _, args = calls(fake_rpc, "list_delegations")[0]
    assert args["actor"]["role"] == "unit_lead" and args["actor"]["unit_id"] == 2
    form = client.get("/runder/2026/delegeringer/ny")
    assert form.status_code == 200
    text = form.get_data(as_text=True)
    assert "Vej og Park" in text and "Borgerservice" not in text
    assert client.get("/runder/2026/delegeringer/ny?unit=1").status_code == 404
    assert client.get("/runder/2026/delegeringer/ny?unit=3").status_code == 200
