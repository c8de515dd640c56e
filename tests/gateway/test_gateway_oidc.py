"""Single sign-on against a real OpenID Connect provider over HTTP (tests/support/oidc_provider).

The gateway is driven with Flask's test client; the browser's visit to the provider's authorize
endpoint is a real HTTP request, and the gateway fetches discovery, JWKS, token and userinfo
from the provider over HTTP as it would in production.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import requests
from sqlalchemy import select

from gateway import create_app
from gateway.identity.accounts import create_user
from gateway.identity.sso_accounts import NO_PASSWORD
from gateway.models import User
from tests.gateway.conftest import PASSWORD
from tests.support.oidc_provider import OidcProvider

AARHUS = 751
SECRET_ENV = "OIDC_SECRET_TEST_AARHUS"
PROVIDER_NAME = "Aarhus Kommunes login"
REFUSED = "Du blev ikke logget ind"


@pytest.fixture(scope="module")
def provider():  # noqa: ANN201
    started = OidcProvider().start()
    yield started
    started.stop()


@pytest.fixture
def providers_file(tmp_path, provider, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setenv(SECRET_ENV, provider.client_secret)
    provider.reset()
    provider.claims = {
        "sub": "u-1001",
        "email": "Kari.Koordinator@aarhus.dk",
        "email_verified": True,
        "name": "Kari Koordinator",
        "groups": ["Alle ansatte", "SB-Koordinator"],
        "kommunekode": "0751",
    }
    path = tmp_path / "oidc.json"
    path.write_text(
        json.dumps(
            {
                "municipalities": {
                    str(AARHUS): {
                        "name": PROVIDER_NAME,
                        "issuer": provider.issuer,
                        "client_id": provider.client_id,
                        "client_secret_env": SECRET_ENV,
                        "role_claim": "groups",
                        "roles": {
                            "SB-Koordinator": "coordinator",
                            "SB-Besvarer": "respondent",
                            "SB-Leder-IT": {"role": "unit_lead", "unit_id": 9},
                        },
                        "municipality_claim": "kommunekode",
                        "allowed_email_domains": ["aarhus.dk"],
                    }
                }
            }
        )
    )
    return path


@pytest.fixture
def app_config(providers_file) -> dict:  # noqa: ANN001
    return {"OIDC_PROVIDERS_FILE": str(providers_file)}


def sso_login(client, start: str = f"/login/oidc/{AARHUS}", callback_query=None):  # noqa: ANN001, ANN201
    """The whole redirect dance: gateway → provider (over HTTP) → gateway's callback."""
    to_provider = client.get(start)
    assert to_provider.status_code == 302, to_provider.text
    back = requests.get(to_provider.headers["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text
    target = urlsplit(back.headers["Location"])
    assert target.path == f"/login/oidc/{AARHUS}/callback"
    query = dict(parse_qsl(target.query))
    if callback_query:
        query = callback_query(query)
    return client.get(f"{target.path}?{urlencode(query)}")


def logged_in(client) -> bool:  # noqa: ANN001
    with client.session_transaction() as session:
        has_uid = "uid" in session
    return has_uid and client.get("/").status_code == 200


def users_of(app, municipality_id: int) -> list[User]:  # noqa: ANN001
    with app.app_context():
        db = app.extensions["gateway_db"]()
        try:
            return list(db.scalars(select(User).where(User.municipality_id == municipality_id)))
        finally:
            db.close()


def user_by_email(app, municipality_id: int, email: str) -> User | None:  # noqa: ANN001
    return next((u for u in users_of(app, municipality_id) if u.email == email), None)


def test_login_page_offers_the_button_once_the_municipality_is_chosen(client):
    page = client.get("/login")
    assert 'data-municipality="751" data-password-login="no" hidden' in page.text
    assert "login.js" in page.text
    assert '<div class="password-fields" >' in page.text
    chosen = client.get("/login?municipality=751&next=/resultater")
    assert 'data-municipality="751" data-password-login="no" >' in chosen.text
    assert '<div class="password-fields" hidden>' in chosen.text
    assert f"Log ind med {PROVIDER_NAME}" in chosen.text
    assert 'href="/login/oidc/751?next=/resultater"' in chosen.text


def test_password_login_is_refused_for_a_municipality_with_its_own_login(client, login):
    response = login(email="koordinator@aarhus.dk", municipality=AARHUS)
    assert response.status_code == 200
    assert "logger ind med sit eget login" in response.text
    assert f"Log ind med {PROVIDER_NAME}" in response.text
    assert not logged_in(client)
    assert login().status_code == 302  # København has no provider: passwords as before


def test_sso_creates_the_user_with_the_mapped_role(app, client, provider):
    response = sso_login(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Velkommen, Kari Koordinator" in client.get("/").text
    assert logged_in(client)
    user = user_by_email(app, AARHUS, "kari.koordinator@aarhus.dk")
    assert user.role == "coordinator" and user.municipality_id == AARHUS
    assert user.oidc_subject == f"{provider.issuer} u-1001"
    assert user.password_hash == NO_PASSWORD
    token_request = provider.token_requests[-1]
    assert token_request["code_verifier"] and "client_secret" not in token_request


def test_sso_keeps_the_next_page(client):
    response = sso_login(client, start=f"/login/oidc/{AARHUS}?next=/resultater")
    assert response.headers["Location"] == "/resultater"


def test_the_provider_updates_role_and_links_an_existing_account(app, client, provider):
    before = user_by_email(app, AARHUS, "koordinator@aarhus.dk")
    provider.claims.update(email="koordinator@aarhus.dk", groups=["SB-Besvarer"], sub="u-7")
    assert sso_login(client).status_code == 302
    after = user_by_email(app, AARHUS, "koordinator@aarhus.dk")
    assert after.id == before.id
    assert after.role == "respondent" and after.oidc_subject.endswith(" u-7")

    provider.claims.update(email="ny.adresse@aarhus.dk", groups=["SB-Leder-IT"])
    assert sso_login(app.test_client()).status_code == 302
    moved = user_by_email(app, AARHUS, "ny.adresse@aarhus.dk")
    assert moved.id == before.id
    assert (moved.role, moved.unit_id) == ("unit_lead", 9)


def test_a_claim_never_reaches_a_user_of_another_municipality(app, client):
    with app.app_context():
        db = app.extensions["gateway_db"]()
        create_user(
            db,
            municipality_id=101,
            email="kari.koordinator@aarhus.dk",
            name="Kari i København",
            role="respondent",
            password=PASSWORD,
        )
        db.commit()
        db.close()
    assert sso_login(client).status_code == 302
    copenhagen = user_by_email(app, 101, "kari.koordinator@aarhus.dk")
    assert (copenhagen.role, copenhagen.oidc_subject) == ("respondent", None)
    aarhus = user_by_email(app, AARHUS, "kari.koordinator@aarhus.dk")
    assert aarhus.role == "coordinator" and aarhus.id != copenhagen.id


def test_an_e_mail_outside_the_allowed_domains_is_refused(app, client, provider):
    provider.claims.update(email="koordinator@kk.dk", sub="u-kk")
    response = sso_login(client)
    assert response.status_code == 403
    assert "@kk.dk må ikke logge ind for Aarhus" in response.text
    assert user_by_email(app, AARHUS, "koordinator@kk.dk") is None


def _refusal_cases() -> list:
    return [
        pytest.param("issuer", {}, "signatur, udsteder eller engangskode", id="wrong-issuer"),
        pytest.param("signature", {}, "signatur, udsteder eller engangskode", id="bad-signature"),
        pytest.param("nonce", {}, "signatur, udsteder eller engangskode", id="wrong-nonce"),
        pytest.param(
            None, {"kommunekode": "0101"}, "anden kommune (kommunekode 0101)", id="other-kommune"
        ),
        pytest.param(None, {"groups": ["Alle ansatte"]}, "ingen rolle", id="no-role"),
        pytest.param(None, {"email_verified": False}, "ikke er bekræftet", id="email-unverified"),
    ]


@pytest.mark.parametrize(("fault", "claims", "message"), _refusal_cases())
def test_refusals_show_why_and_leave_no_session(app, client, provider, fault, claims, message):
    if fault:
        provider.faults.add(fault)
    provider.claims.update(claims)
    response = sso_login(client)
    assert response.status_code == 403
    assert REFUSED in response.text and message in response.text
    assert not logged_in(client)
    assert client.get("/").headers["Location"].startswith("/login")
    assert user_by_email(app, AARHUS, provider.claims["email"].lower()) is None


def _set_user(app, email: str, **values: object) -> None:  # noqa: ANN001
    with app.app_context():
        db = app.extensions["gateway_db"]()
        user = db.scalars(select(User).where(User.email == email)).one()
        for key, value in values.items():
            setattr(user, key, value)
        db.commit()
        db.close()


def test_a_deactivated_user_stays_refused(app, client, provider):
    _set_user(app, "koordinator@aarhus.dk", active=False)
    provider.claims["email"] = "koordinator@aarhus.dk"
    response = sso_login(client)
    assert response.status_code == 403
    assert "deaktiveret" in response.text
    assert not logged_in(client)


def test_an_e_mail_of_another_user_is_not_taken_over(app, client, provider):
    assert sso_login(client).status_code == 302
    provider.claims["email"] = "koordinator@aarhus.dk"
    response = sso_login(app.test_client())
    assert response.status_code == 403
    assert "bruges allerede af en anden bruger" in response.text
    assert user_by_email(app, AARHUS, "koordinator@aarhus.dk").oidc_subject is None


def test_the_refusal_speaks_english_after_the_switch(client, provider):
    client.get("/sprog/en")
    provider.claims["groups"] = []
    response = sso_login(client)
    assert response.status_code == 403
    assert "You were not logged in" in response.text
    assert "you have no role in the security baseline for Aarhus" in response.text


def test_a_wrong_state_is_refused(app, client):
    response = sso_login(client, callback_query=lambda q: {**q, "state": "forged-state"})
    assert response.status_code == 400
    assert "Login blev ikke genkendt" in response.text
    assert not logged_in(client)
    assert users_of(app, AARHUS)[0].email == "koordinator@aarhus.dk"
    assert len(users_of(app, AARHUS)) == 1


def test_a_callback_replayed_in_another_browser_is_refused(app, client):
    to_provider = client.get(f"/login/oidc/{AARHUS}")
    back = requests.get(to_provider.headers["Location"], allow_redirects=False, timeout=10)
    target = urlsplit(back.headers["Location"])
    other_browser = app.test_client()
    response = other_browser.get(f"{target.path}?{target.query}")
    assert response.status_code == 400
    assert not logged_in(other_browser) and not logged_in(client)


def test_a_discovery_document_for_another_issuer_is_refused(client, provider):
    provider.faults.add("discovery_issuer")
    response = client.get(f"/login/oidc/{AARHUS}")
    assert response.status_code == 403
    assert "anden udsteder" in response.text


def test_the_provider_refusing_the_user_is_shown(client):
    client.get(f"/login/oidc/{AARHUS}")
    response = client.get(f"/login/oidc/{AARHUS}/callback?error=access_denied&state=x")
    assert response.status_code == 403
    assert "afviste login (access_denied)" in response.text


def test_losing_the_role_at_the_provider_ends_open_sessions(app, client, provider):
    assert sso_login(client).status_code == 302
    assert logged_in(client)
    provider.claims["groups"] = []
    other_browser = app.test_client()
    assert sso_login(other_browser).status_code == 403
    assert not logged_in(client)


def test_roles_only_in_userinfo_are_fetched_from_there(app, client, provider):
    provider.userinfo_only = {"groups": provider.claims.pop("groups")}
    assert sso_login(client).status_code == 302
    assert user_by_email(app, AARHUS, "kari.koordinator@aarhus.dk").role == "coordinator"


def test_a_municipality_without_provider_has_no_sso_route(client):
    response = client.get("/login/oidc/101")
    assert response.status_code == 302
    assert "ikke sat op" in client.get(response.headers["Location"]).text
    assert client.get("/login/oidc/101/callback?code=x&state=y").status_code == 404


def test_an_unreachable_provider_is_named(tmp_path, fake_rpc, providers_file, provider):
    document = json.loads(providers_file.read_text())
    document["municipalities"]["751"]["issuer"] = "http://127.0.0.1:9"
    providers_file.write_text(json.dumps(document))
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path}/down.db",
            "SECRET_KEY": "k",
            "TESTING": True,
            "OIDC_PROVIDERS_FILE": str(providers_file),
        },
        rpc=fake_rpc,
    )
    response = app.test_client().get(f"/login/oidc/{AARHUS}")
    assert response.status_code == 503
    assert f"{PROVIDER_NAME} kan ikke nås" in response.text


def test_a_wrong_providers_file_stops_the_start(tmp_path, fake_rpc, providers_file):
    document = json.loads(providers_file.read_text())
    document["municipalities"]["751"]["roles"]["SB-Admin"] = "admin"
    providers_file.write_text(json.dumps(document))
    with pytest.raises(RuntimeError, match="KL and admin roles are never given"):
        create_app(
            {
                "DATABASE_URL": f"sqlite:///{tmp_path}/bad.db",
                "SECRET_KEY": "k",
                "OIDC_PROVIDERS_FILE": str(providers_file),
            },
            rpc=fake_rpc,
        )
