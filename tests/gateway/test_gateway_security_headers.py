"""Browser hardening: the headers every response carries, HSTS only over HTTPS, request limits.

The CSP forbids inline scripts and styles, so the templates must not contain any: the last
test reads every template and names the file and line of an inline script, style or handler.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gateway import MAX_FORM_PARTS, create_app
from services.common.errors import NotFound

TEMPLATES = Path(__file__).resolve().parents[2] / "gateway" / "templates"
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle\s*=|\son[a-z]+\s*=|javascript:", re.I
)


@pytest.fixture
def coordinator(client, login):  # noqa: ANN001, ANN201
    login()
    return client


def directives(response) -> dict[str, str]:  # noqa: ANN001
    policy = response.headers["Content-Security-Policy"]
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (p.strip() for p in policy.split(";"))
        if part
    }


@pytest.mark.parametrize("path", ["/login", "/", "/api/v1/me", "/api/v1/units", "/nowhere"])
def test_every_response_carries_the_policy(client, path):
    response = client.get(path)
    policy = directives(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers


class UnknownLinks:
    def open_link(self, token: str, client: object = None) -> dict:
        raise NotFound("delegation link")


def test_delegate_link_pages_send_no_referrer(client, fake_rpc):
    fake_rpc.services["delegation"] = UnknownLinks()
    response = client.get("/delegering/" + "x" * 43)
    assert response.status_code == 404
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_hsts_only_over_https(client):
    secure = client.get("/login", base_url="https://baseline.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in client.get("/login").headers


@pytest.mark.parametrize(("trusted", "hsts"), [(0, False), (1, True)])
def test_forwarded_proto_counts_only_from_a_trusted_proxy(tmp_path, fake_rpc, trusted, hsts):
    settings = {"DATABASE_URL": f"sqlite:///{tmp_path}/p.db", "SECRET_KEY": "k"}
    app = create_app({**settings, "TRUSTED_PROXIES": trusted}, rpc=fake_rpc)
    response = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert ("Strict-Transport-Security" in response.headers) is hsts


def test_a_multipart_form_with_too_many_parts_is_413_in_danish(coordinator, csrf):
    """URL-encoded forms are bounded by size alone (werkzeug parses them cheaply)."""
    fields = {f"f{i}": "x" for i in range(MAX_FORM_PARTS + 1)}
    response = coordinator.post(
        "/enheder",
        data={**fields, "csrf_token": csrf(coordinator)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "For stor forespørgsel" in response.text
    assert "Content-Security-Policy" in response.headers


def test_a_form_over_one_mebibyte_is_413(coordinator, csrf):
    response = coordinator.post(
        "/enheder", data={"name": "x" * (1024 * 1024 + 1), "csrf_token": csrf(coordinator)}
    )
    assert response.status_code == 413


def test_api_body_over_one_mebibyte_is_a_problem(coordinator, api_headers):
    response = coordinator.post(
        "/api/v1/units", data="[" + "1," * 600_000 + "1]", headers=api_headers()
    )
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_a_nul_in_a_form_or_query_is_400_before_any_database(client, csrf):
    """PostgreSQL refuses NUL in text; the login form would otherwise end in a 500."""
    response = client.post(
        "/login",
        data={
            "municipality": "101",
            "email": "a\x00@kk.dk",
            "password": "x",
            "csrf_token": csrf(client),
        },
    )
    assert response.status_code == 400
    assert "NUL" in response.text
    assert client.get("/login?next=/%00").status_code == 400


def test_templates_have_no_inline_scripts_styles_or_handlers():
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if INLINE.search(line)
    ]
    assert not found, "move these to gateway/static (the CSP blocks them):\n" + "\n".join(found)
