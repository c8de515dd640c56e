"""Login per municipality, generic failures, throttling, session cookie and session reloading."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from itsdangerous import BadSignature, URLSafeTimedSerializer

import gateway.identity.accounts
import gateway.identity.authentication
from gateway import create_app
from gateway.models import User, utcnow

FAILED = "Kommune, e-mailadresse eller adgangskode er forkert"
THROTTLED = "for mange forkerte forsøg"


def test_login_page_lists_municipalities_and_kl(client):
    page = client.get("/login")
    assert page.status_code == 200
    assert '<option value="101"' in page.text and "København" in page.text
    assert '<option value="kl"' in page.text and "KL / administration" in page.text
    assert 'name="csrf_token"' in page.text


def test_login_success_redirects_to_dashboard(client, login):
    response = login()
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Velkommen" in client.get("/").text


def test_login_wrong_password_and_unknown_email_look_the_same(client, login):
    wrong_password = login(password="wrong password here")
    unknown_email = login(email="nobody@kk.dk")
    wrong_municipality = login(municipality=751)
    for response in (wrong_password, unknown_email, wrong_municipality):
        assert response.status_code == 200
        assert FAILED in response.text
    assert client.get("/").status_code == 302


def test_login_requires_csrf_token(client, password):
    response = client.post(
        "/login",
        data={"municipality": "101", "email": "koordinator@kk.dk", "password": password},
    )
    assert response.status_code == 400
    assert "Formularen kunne ikke sendes" in response.text


def test_kl_user_logs_in_with_kl_choice(client, login):
    assert FAILED in login(email="analytiker@kl.dk", municipality=101).text
    response = login(email="analytiker@kl.dk", municipality="kl")
    assert response.status_code == 302
    assert client.get("/").headers["Location"] == "/kl"
    page = client.get("/kl")
    assert "KL og administration" in page.text


def test_five_failures_lock_the_account_even_for_the_right_password(client, login):
    for _ in range(5):
        assert FAILED in login(password="wrong password here").text
    locked = login()
    assert locked.status_code == 429
    assert THROTTLED in locked.text
    assert client.get("/").status_code == 302
    other_account = login(email="besvarer@kk.dk")
    assert other_account.status_code == 302


def test_lockout_ends_after_fifteen_minutes(client, login, monkeypatch):
    start = utcnow()
    monkeypatch.setattr(gateway.identity.authentication, "utcnow", lambda: start)
    for _ in range(5):
        login(password="wrong password here")
    monkeypatch.setattr(
        gateway.identity.authentication, "utcnow", lambda: start + timedelta(minutes=14)
    )
    assert login().status_code == 429
    monkeypatch.setattr(
        gateway.identity.authentication, "utcnow", lambda: start + timedelta(minutes=16)
    )
    assert login().status_code == 302


def test_twenty_failures_from_one_ip_block_that_ip(client, login):
    for n in range(20):
        login(email=f"guess{n}@kk.dk", password="wrong password", REMOTE_ADDR="10.0.0.9")
    blocked = login(email="besvarer@kk.dk", REMOTE_ADDR="10.0.0.9")
    assert blocked.status_code == 429
    assert login(email="besvarer@kk.dk", REMOTE_ADDR="10.0.0.10").status_code == 302


def test_success_resets_the_account_counter(client, login):
    for _ in range(4):
        login(password="wrong password here")
    assert login().status_code == 302
    client.post("/logout", data={"csrf_token": client.get("/api/v1/me").json["csrf_token"]})
    for _ in range(4):
        login(password="wrong password here")
    assert login().status_code == 302


def test_session_cookie_flags(client, login):
    response = login()
    cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("baseline_session=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Expires=" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_in_production(tmp_path, fake_rpc, monkeypatch):
    monkeypatch.setenv("PLATFORM_ENV", "production")
    monkeypatch.setenv("GATEWAY_SECRET_KEY", "a production secret of enough length")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/prod.db"}, rpc=fake_rpc)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SECRET_KEY"] == "a production secret of enough length"
    client = app.test_client()
    client.get("/login", base_url="https://sikkerhed.example.dk")
    cookie = client.get_cookie("__Host-baseline_session", domain="sikkerhed.example.dk")
    assert cookie is not None and cookie.secure and cookie.path == "/" and cookie.origin_only


@pytest.mark.parametrize("key", [None, "", "too-short-to-sign-cookies"])
def test_production_refuses_to_start_without_a_long_secret_key(
    tmp_path, fake_rpc, monkeypatch, key
):
    monkeypatch.setenv("PLATFORM_ENV", "production")
    if key is None:
        monkeypatch.delenv("GATEWAY_SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("GATEWAY_SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="GATEWAY_SECRET_KEY"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/prod.db"}, rpc=fake_rpc)


def test_login_starts_a_fresh_session(client, login):
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        old_token = session["csrf"]
    login()
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["csrf"] != old_token
        assert session.permanent


def test_deactivated_user_is_logged_out_on_next_request(app, client, login):
    login()
    assert client.get("/").status_code == 200
    with app.app_context():
        db = app.extensions["gateway_db"]()
        user = db.query(User).filter_by(email="koordinator@kk.dk").one()
        user.active = False
        db.commit()
        db.close()
    assert client.get("/").status_code == 302
    assert client.get("/api/v1/me").status_code == 401


def test_bumped_session_version_ends_old_sessions(app, client, login):
    login()
    with app.app_context():
        db = app.extensions["gateway_db"]()
        user = db.query(User).filter_by(email="koordinator@kk.dk").one()
        gateway.identity.accounts.set_password(db, user, "a brand new password")
        db.commit()
        db.close()
    assert client.get("/").status_code == 302


def test_survey_down_shows_login_with_code_field(client, login, fake_rpc):
    fake_rpc.down.add("survey")
    page = client.get("/login")
    assert page.status_code == 200
    assert "Listen over kommuner kan ikke hentes" in page.text
    assert '<input id="municipality" name="municipality"' in page.text
    assert login(municipality="101").status_code == 302


def test_logout_needs_post_with_token(client, login, csrf):
    login()
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.post("/logout", data={"csrf_token": csrf(client)}).status_code == 302
    assert client.get("/").status_code == 302


def test_next_parameter_only_allows_local_paths(client, csrf, password):
    token = csrf(client)
    data = {"municipality": "101", "email": "koordinator@kk.dk", "password": password}
    response = client.post("/login", data=dict(data, csrf_token=token, next="//evil.example/"))
    assert response.headers["Location"] == "/"


def test_anonymous_page_redirects_to_login_with_next(client):
    response = client.get("/enheder")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/enheder")


def test_behind_a_trusted_proxy_throttling_uses_the_client_ip(
    tmp_path, fake_rpc, password, monkeypatch
):
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path}/proxy.db", "SECRET_KEY": "k", "TRUSTED_PROXIES": 1},
        rpc=fake_rpc,
    )
    seen = []

    def record(db, municipality_id, email, given_password, ip, now=None):  # noqa: ANN001, ANN202
        seen.append(ip)
        return gateway.identity.authentication.LoginResult()

    monkeypatch.setattr(gateway.identity.authentication, "authenticate", record)
    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as session:
        token = session["csrf"]
    client.post(
        "/login",
        data={"municipality": "101", "email": "a@kk.dk", "password": password, "csrf_token": token},
        headers={"X-Forwarded-For": "192.0.2.7"},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    assert seen == ["192.0.2.7"]


def test_a_copied_session_cookie_is_dead_after_logout(app, client, login, csrf):
    login()
    assert client.get("/").status_code == 200
    copy = app.test_client()
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    copy.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie.value)
    assert copy.get("/").status_code == 200
    client.post("/logout", data={"csrf_token": csrf(client)})
    assert copy.get("/").status_code == 302


def test_the_session_cookie_is_signed_with_hmac_sha256(app, client, login):
    login()
    value = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value

    def signer(digest):  # noqa: ANN001, ANN202
        return URLSafeTimedSerializer(
            app.secret_key,
            salt="cookie-session",
            signer_kwargs={"key_derivation": "hmac", "digest_method": digest},
        )

    assert signer(hashlib.sha256).loads(value)["uid"]
    with pytest.raises(BadSignature):
        signer(hashlib.sha1).loads(value)
