"""Roles and tenancy: who may change what, and the municipality always from the session."""

from __future__ import annotations

import re

import pytest


def token_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def answer(key: str, unit_id: int | None, value: object) -> dict:
    return {"question_key": key, "unit_id": unit_id, "value": value}


def test_unit_lead_cannot_create_units(client, login, api_headers, csrf, fake_rpc):
    login(email="leder@kk.dk")
    response = client.post(
        "/api/v1/units", json={"name": "X", "kind": "forvaltning"}, headers=api_headers()
    )
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    page = client.post(
        "/enheder", data={"name": "X", "kind": "forvaltning", "csrf_token": csrf(client)}
    )
    assert page.status_code == 403
    assert "Ingen adgang" in page.text
    assert fake_rpc.calls_to("create_unit") == []
    units_page = client.get("/enheder")
    assert units_page.status_code == 200
    assert "Opret enhed" not in units_page.text
    assert "Kun kommunens koordinator" in units_page.text


def test_unit_lead_answers_only_own_subtree(client, login, api_headers, fake_rpc):
    login(email="leder@kk.dk")
    own = client.put(
        "/api/v1/rounds/2026/answers",
        json={"answers": [answer("governance.owner", 2, 3), answer("governance.owner", 3, 4)]},
        headers=api_headers(),
    )
    assert own.status_code == 200, own.text
    other = client.put(
        "/api/v1/rounds/2026/answers",
        json={"answers": [answer("governance.owner", 3, 4), answer("governance.owner", 1, 2)]},
        headers=api_headers(),
    )
    assert other.status_code == 403
    assert other.get_json()["field"] == "answers[1].unit_id"
    municipal = client.put(
        "/api/v1/rounds/2026/answers",
        json={"answers": [answer("governance.policy", None, 2)]},
        headers=api_headers(),
    )
    assert municipal.status_code == 403
    assert len(fake_rpc.calls_to("save_answers")) == 1


def test_unit_lead_page_is_read_only_for_other_units(client, login, fake_rpc):
    login(email="leder@kk.dk")
    own = client.get("/runder/2026/besvar")
    assert 'name="value-governance.owner"' in own.text
    assert "Teknik og Miljø" in own.text
    other = client.get("/runder/2026/besvar?unit=1&area=governance")
    assert other.status_code == 200
    assert "ikke ændre den for denne enhed" in other.text
    assert 'name="value-governance.owner"' not in other.text
    posted = client.post(
        "/runder/2026/besvar?unit=1&area=governance",
        data={"csrf_token": token_of(own.text), "value-governance.owner": "3"},
    )
    assert posted.status_code == 403
    assert fake_rpc.calls_to("save_answers") == []


def test_respondent_may_answer_but_not_manage_units(client, login, api_headers):
    login(email="besvarer@kk.dk")
    saved = client.put(
        "/api/v1/rounds/2026/answers",
        json={"answers": [answer("governance.policy", None, 3)]},
        headers=api_headers(),
    )
    assert saved.status_code == 200
    assert client.delete("/api/v1/units/1", headers=api_headers()).status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/units",
        "/api/v1/rounds/2026/answers",
        "/api/v1/rounds/2026/progress",
        "/api/v1/rounds/2026/scores",
        "/api/v1/rounds/2026/answers/history?question_key=governance.policy",
    ],
)
def test_kl_analyst_gets_403_on_municipality_api(client, login, path, fake_rpc):
    login(email="analytiker@kl.dk", municipality="kl")
    response = client.get(path)
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert not [c for c in fake_rpc.calls if c[1] != "list_municipalities"]


@pytest.mark.parametrize("path", ["/enheder", "/runder/2026/besvar", "/runder/2026/scorer"])
def test_kl_analyst_gets_403_on_municipality_pages(client, login, path):
    login(email="analytiker@kl.dk", municipality="kl")
    response = client.get(path)
    assert response.status_code == 403
    assert "Ingen adgang" in response.text


def test_kl_analyst_may_read_national_rounds(client, login):
    login(email="analytiker@kl.dk", municipality="kl")
    assert client.get("/api/v1/rounds").status_code == 200
    assert client.get("/api/v1/me").get_json()["municipality_id"] is None


def test_municipality_comes_from_session_not_body_or_url(client, login, api_headers, fake_rpc):
    login()
    client.get("/api/v1/units?municipality_id=751")
    client.post(
        "/api/v1/units",
        json={"name": "Snyd", "kind": "forvaltning", "municipality_id": 751},
        headers=api_headers(),
    )
    client.put(
        "/api/v1/rounds/2026/answers?municipality_id=751",
        json={
            "municipality_id": 751,
            "answers": [dict(answer("governance.policy", None, 3), municipality_id=751)],
        },
        headers=api_headers(),
    )
    client.get("/runder/2026/besvar?municipality_id=751")
    tenant_calls = [
        c
        for c in fake_rpc.calls
        if c[1] in {"list_units", "create_unit", "save_answers", "get_answers"}
    ]
    assert tenant_calls
    assert all(c[3]["municipality_id"] == 101 for c in tenant_calls)
    assert not [u for u in fake_rpc.survey.units[751] if u["name"] == "Snyd"]
    saved = fake_rpc.calls_to("save_answers")[0][3]["answers"]
    assert "municipality_id" not in saved[0]


def test_another_municipalitys_unit_is_not_found(client, login, api_headers):
    login()
    response = client.patch("/api/v1/units/9", json={"name": "Overtaget"}, headers=api_headers())
    assert response.status_code == 404
    assert client.get("/runder/2026/besvar?unit=9").status_code == 404
