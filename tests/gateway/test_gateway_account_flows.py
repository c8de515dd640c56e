"""Account flows through the gateway with the fake services: onboarding, invitations, roles,
disabling, password reset, two-factor login, lockout, session timeouts and the audit trail."""

from __future__ import annotations

import csv
import html
import io
import re
import time
from datetime import timedelta

import pytest
import segno
from sqlalchemy import select

import gateway.identity.links
from gateway import audit
from gateway.identity import totp
from gateway.identity.accounts import create_user
from gateway.models import AuditEntry, User, utcnow
from tests.gateway.conftest import MUNICIPALITY, OTHER_MUNICIPALITY, csrf_of

NEW_PASSWORD = "en helt ny adgangssætning"


def post(client, path: str, data: dict | None = None, **kwargs):  # noqa: ANN001, ANN201
    return client.post(path, data={**(data or {}), "csrf_token": csrf_of(client)}, **kwargs)


def db_of(app):  # noqa: ANN001, ANN201
    return app.extensions["gateway_db"]()


def user_by_email(app, email: str, municipality: int | None = MUNICIPALITY) -> User:  # noqa: ANN001
    db = db_of(app)
    try:
        return db.scalars(
            select(User).where(User.email == email, User.municipality_id == municipality)
        ).one()
    finally:
        db.close()


def trail(app, municipality: int | None = MUNICIPALITY) -> list[AuditEntry]:  # noqa: ANN001
    db = db_of(app)
    try:
        return list(
            db.scalars(
                select(AuditEntry)
                .where(AuditEntry.municipality_id == municipality)
                .order_by(AuditEntry.id)
            )
        )
    finally:
        db.close()


def ask_reset(app, client, email: str, municipality: str = "101"):  # noqa: ANN001, ANN201
    """Ask for a reset link and wait for the background job that sends it."""
    answer = post(client, "/glemt-adgangskode", {"municipality": municipality, "email": email})
    app.extensions["background"].join()
    return answer


def invite(client, email: str = "ny@kk.dk", role: str = "respondent", unit: str = ""):  # noqa: ANN001, ANN201
    return post(
        client,
        "/brugere",
        {"name": "Ny Kollega", "email": email, "role": role, "unit_id": unit, "language": "da"},
    )


def accept(client, link: str, password: str = NEW_PASSWORD):  # noqa: ANN001, ANN201
    client.get(link)
    return post(client, link, {"password": password, "password_again": password})


@pytest.fixture
def admin(app):  # noqa: ANN001, ANN201
    db = db_of(app)
    create_user(
        db,
        municipality_id=None,
        email="admin@kl.dk",
        name="Admin",
        role="admin",
        password="correct horse battery",
    )
    db.commit()
    db.close()


# -- invitations -----------------------------------------------------------------------------


def test_coordinator_invites_a_colleague_who_sets_a_password_and_logs_in(
    app, client, login, fake_rpc
):
    login()
    response = invite(client)
    assert response.status_code == 302
    mails = fake_rpc.services["mail"].account_mails
    assert len(mails) == 1 and mails[0]["kind"] == "account_invite"
    assert mails[0]["context"]["inviter_name"] == "Koordinator"
    assert mails[0]["context"]["municipality_name"] == "København"
    link = mails[0]["link"]
    assert link.startswith("/konto/invitation/")
    page = client.get("/brugere")
    assert "ny@kk.dk" in page.text and "Inviteret" in page.text
    invited = user_by_email(app, "ny@kk.dk")
    assert invited.invited and invited.role == "respondent"

    colleague = app.test_client()
    assert FAILED_LOGIN in do_login(colleague, "ny@kk.dk", NEW_PASSWORD).text
    form = colleague.get(link)
    assert form.status_code == 200 and "Velkommen" in form.text
    weak = post(colleague, link, {"password": "password1234", "password_again": "password1234"})
    assert weak.status_code == 422 and "for almindelig" in weak.text
    differ = post(colleague, link, {"password": NEW_PASSWORD, "password_again": "noget andet x"})
    assert differ.status_code == 422 and "ikke ens" in differ.text
    done = post(colleague, link, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert do_login(colleague, "ny@kk.dk", NEW_PASSWORD).status_code == 302
    assert colleague.get("/").status_code == 200

    again = app.test_client().get(link)
    assert again.status_code == 404 and "Linket virker ikke" in again.text
    actions = [e.action for e in trail(app)]
    assert "user.invited" in actions and "account.activated" in actions


FAILED_LOGIN = "Kommune, e-mailadresse eller adgangskode er forkert"


def do_login(client, email: str, password: str, municipality=MUNICIPALITY, **environ):  # noqa: ANN001, ANN201
    return client.post(
        "/login",
        data={
            "municipality": str(municipality),
            "email": email,
            "password": password,
            "csrf_token": csrf_of(client),
        },
        environ_base=environ,
    )


def test_invitation_expires(app, client, login, fake_rpc, monkeypatch):
    login()
    invite(client)
    link = fake_rpc.services["mail"].links_to("ny@kk.dk")[0]
    later = utcnow() + timedelta(days=7, minutes=1)
    monkeypatch.setattr(gateway.identity.links, "utcnow", lambda: later)
    assert app.test_client().get(link).status_code == 404


def test_a_new_invitation_voids_the_old_link(app, client, login, fake_rpc):
    login()
    invite(client)
    first = fake_rpc.services["mail"].links_to("ny@kk.dk")[0]
    user = user_by_email(app, "ny@kk.dk")
    assert post(client, f"/brugere/{user.id}/invitation").status_code == 302
    second = fake_rpc.services["mail"].links_to("ny@kk.dk")[1]
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200


def test_inviting_refuses_bad_input_and_names_the_problem(client, login):
    login()
    missing_unit = invite(client, role="unit_lead")
    assert (
        missing_unit.status_code == 422 and "En enhedsleder skal have en enhed" in missing_unit.text
    )
    existing = invite(client, email="besvarer@kk.dk")
    assert existing.status_code == 422 and "findes allerede" in existing.text
    assert invite(client, email="leder2@kk.dk", role="unit_lead", unit="3").status_code == 302


def test_invitation_is_still_saved_when_mail_is_down(app, client, login, fake_rpc):
    login()
    fake_rpc.down.add("mail")
    response = invite(client)
    assert response.status_code == 302
    assert "kunne ikke sendes" in client.get("/brugere").text
    assert user_by_email(app, "ny@kk.dk").invited


def test_guessing_links_is_throttled_but_a_valid_link_from_the_same_address_opens(
    app, client, login, fake_rpc
):
    login()
    invite(client)
    link = fake_rpc.services["mail"].links_to("ny@kk.dk")[0]
    guesser = app.test_client()
    answers = [guesser.get(f"/konto/invitation/{'A' * 42}{n % 10}").status_code for n in range(50)]
    assert answers == [404] * 20 + [429] * 30
    colleague = app.test_client()
    assert colleague.get(link).status_code == 200
    assert accept(colleague, link).status_code == 302
    assert guesser.get(f"/konto/nulstil/{'B' * 43}").status_code == 429
    assert colleague.get(link).status_code == 429


# -- roles and disabling ---------------------------------------------------------------------


def test_coordinator_changes_a_role_and_it_applies_at_once(app, client, login):
    respondent = app.test_client()
    assert do_login(respondent, "besvarer@kk.dk", "correct horse battery").status_code == 302
    assert respondent.get("/delegering").status_code in (302, 403, 404)
    login()
    user = user_by_email(app, "besvarer@kk.dk")
    changed = post(client, f"/brugere/{user.id}/rolle", {"role": "unit_lead", "unit_id": "3"})
    assert changed.status_code == 302
    assert respondent.get("/api/v1/me").get_json()["role"] == "unit_lead"
    entry = [e for e in trail(app) if e.action == "user.role_changed"][-1]
    assert '"from": {"role": "respondent"' in entry.detail and entry.actor_name == "Koordinator"


def test_disabling_ends_every_session_at_once(app, client, login):
    colleague = app.test_client()
    assert do_login(colleague, "besvarer@kk.dk", "correct horse battery").status_code == 302
    assert colleague.get("/").status_code == 200
    login()
    user = user_by_email(app, "besvarer@kk.dk")
    assert post(client, f"/brugere/{user.id}/deaktiver").status_code == 302
    assert colleague.get("/").status_code == 302
    assert colleague.get("/api/v1/me").status_code == 401
    assert FAILED_LOGIN in do_login(colleague, "besvarer@kk.dk", "correct horse battery").text
    assert post(client, f"/brugere/{user.id}/aktiver").status_code == 302
    assert do_login(colleague, "besvarer@kk.dk", "correct horse battery").status_code == 302


def test_coordinator_cannot_touch_other_municipalities_or_themselves(app, client, login):
    login()
    other = user_by_email(app, "koordinator@aarhus.dk", OTHER_MUNICIPALITY)
    me = user_by_email(app, "koordinator@kk.dk")
    assert post(client, f"/brugere/{other.id}/deaktiver").status_code == 404
    assert post(client, f"/brugere/{other.id}/rolle", {"role": "respondent"}).status_code == 404
    assert post(client, f"/brugere/{me.id}/deaktiver").status_code == 409
    assert "koordinator@aarhus.dk" not in client.get("/brugere").text


@pytest.mark.parametrize(
    ("email", "municipality"),
    [("leder@kk.dk", MUNICIPALITY), ("besvarer@kk.dk", MUNICIPALITY), ("analytiker@kl.dk", "kl")],
)
def test_only_coordinators_manage_users_and_see_the_trail(client, login, email, municipality):
    login(email=email, municipality=municipality)
    assert client.get("/brugere").status_code == 403
    assert client.get("/revisionsspor").status_code == 403
    assert client.get("/revisionsspor.csv").status_code == 403
    assert client.get("/api/v1/audit").status_code == 403


# -- onboarding by the administrator ---------------------------------------------------------


def test_admin_onboards_a_municipality_and_sees_it_in_the_national_trail(
    app, client, login, admin, fake_rpc
):
    login(email="admin@kl.dk", municipality="kl")
    response = post(
        client,
        "/admin/kommuner",
        {"municipality": "101", "name": "Ny Koordinator", "email": "ny.k@kk.dk", "language": "da"},
    )
    assert response.status_code == 302
    mail = fake_rpc.services["mail"].account_mails[-1]
    assert mail["to"] == "ny.k@kk.dk" and mail["municipality_id"] == MUNICIPALITY
    assert user_by_email(app, "ny.k@kk.dk").role == "coordinator"
    page = client.get("/admin/kommuner")
    assert "ny.k@kk.dk" in page.text and "Inviteret" in page.text
    national = client.get("/admin/revisionsspor")
    assert "Kommune taget i brug" in national.text
    assert (
        post(
            client, "/admin/kommuner", {"municipality": "999", "name": "X", "email": "x@y.dk"}
        ).status_code
        == 422
    )


def test_admin_does_not_see_municipal_answers_in_the_trail(app, client, login, admin):
    login()
    audit_row = {"question_key": "governance.policy", "unit_id": None, "value": 3}
    token = client.get("/api/v1/me").get_json()["csrf_token"]
    saved = client.put(
        "/api/v1/rounds/2026/answers",
        json={"answers": [audit_row]},
        headers={"X-CSRF-Token": token},
    )
    assert saved.status_code == 200, saved.text
    assert any(e.action == "answers.saved" for e in trail(app))
    client.post("/logout", data={"csrf_token": token})
    login(email="admin@kl.dk", municipality="kl")
    entries = client.get("/api/v1/audit").get_json()
    assert entries and all(e["action"] != "answers.saved" for e in entries)


# -- password reset --------------------------------------------------------------------------


def test_password_reset_by_email_is_single_use_and_ends_other_sessions(
    app, client, login, fake_rpc
):
    other_session = app.test_client()
    assert do_login(other_session, "besvarer@kk.dk", "correct horse battery").status_code == 302
    stranger = app.test_client()
    asked = ask_reset(app, stranger, "besvarer@kk.dk")
    assert asked.status_code == 302
    unknown = ask_reset(app, stranger, "nej@kk.dk")
    assert unknown.status_code == 302
    mails = fake_rpc.services["mail"].account_mails
    assert [m["to"] for m in mails] == ["besvarer@kk.dk"]
    assert mails[0]["kind"] == "password_reset"
    link = mails[0]["link"]
    assert accept(stranger, link).status_code == 302
    assert other_session.get("/").status_code == 302
    assert FAILED_LOGIN in do_login(stranger, "besvarer@kk.dk", "correct horse battery").text
    assert do_login(stranger, "besvarer@kk.dk", NEW_PASSWORD).status_code == 302
    assert app.test_client().get(link).status_code == 404


def test_reset_requests_are_limited_per_account(app, fake_rpc):
    asker = app.test_client()
    for _ in range(5):
        ask_reset(app, asker, "besvarer@kk.dk")
    assert len(fake_rpc.services["mail"].account_mails) == 3


def test_reset_link_expires_after_an_hour(app, fake_rpc, monkeypatch):
    asker = app.test_client()
    ask_reset(app, asker, "besvarer@kk.dk")
    link = fake_rpc.services["mail"].links_to("besvarer@kk.dk")[0]
    later = utcnow() + timedelta(minutes=61)
    monkeypatch.setattr(gateway.identity.links, "utcnow", lambda: later)
    assert asker.get(link).status_code == 404


def test_a_victim_locked_out_by_a_distributed_attack_gets_back_in_by_reset(app, fake_rpc):
    attacker = app.test_client()
    for n in range(30):
        do_login(attacker, "besvarer@kk.dk", "wrong password x", REMOTE_ADDR=f"10.9.0.{n}")
    victim = app.test_client()
    locked = do_login(victim, "besvarer@kk.dk", "correct horse battery", REMOTE_ADDR="10.1.1.1")
    assert locked.status_code == 429
    ask_reset(app, victim, "besvarer@kk.dk")
    link = fake_rpc.services["mail"].links_to("besvarer@kk.dk")[0]
    assert accept(victim, link).status_code == 302
    assert (
        do_login(victim, "besvarer@kk.dk", NEW_PASSWORD, REMOTE_ADDR="10.1.1.1").status_code == 302
    )


def test_failures_from_one_client_do_not_lock_the_account_elsewhere(app):
    attacker = app.test_client()
    for _ in range(6):
        do_login(attacker, "besvarer@kk.dk", "wrong password x", REMOTE_ADDR="10.9.9.9")
    blocked = do_login(attacker, "besvarer@kk.dk", "correct horse battery", REMOTE_ADDR="10.9.9.9")
    assert blocked.status_code == 429
    victim = app.test_client()
    assert (
        do_login(
            victim, "besvarer@kk.dk", "correct horse battery", REMOTE_ADDR="10.1.1.1"
        ).status_code
        == 302
    )


# -- two-factor login ------------------------------------------------------------------------


def enable_totp(client) -> str:  # noqa: ANN001
    assert post(client, "/konto/totp/start").status_code == 302
    with client.session_transaction() as session:
        secret = session["totp_new"]
    page = client.get("/konto")
    assert totp.grouped(secret) in page.text
    uri = totp.provisioning_uri(secret, "koordinator@kk.dk")
    qr = re.search(r'<img src="(data:image/svg\+xml[^"]+)" alt="QR-kode[^"]*">', page.text)
    assert qr and html.unescape(qr[1]) == segno.make(uri, error="m").svg_data_uri(scale=4, border=4)
    assert "img-src 'self' data:" in page.headers["Content-Security-Policy"]
    code = totp.code_at(secret, totp.step_of(time.time()))
    assert post(client, "/konto/totp/bekraeft", {"code": code}).status_code == 302
    return secret


def test_two_factor_login_asks_for_a_code_and_refuses_replays(app, client, login):
    login()
    secret = enable_totp(client)
    assert client.get("/").status_code == 200, "enabling keeps the current session"
    assert "To-trins-login er slået til" in client.get("/konto").text

    fresh = app.test_client()
    step1 = do_login(fresh, "koordinator@kk.dk", "correct horse battery")
    assert step1.status_code == 302 and step1.headers["Location"] == "/login/kode"
    assert fresh.get("/").status_code == 302, "no session before the code"
    wrong = post(fresh, "/login/kode", {"code": "000000"})
    assert wrong.status_code == 422
    db = db_of(app)
    user = db.scalars(select(User).where(User.email == "koordinator@kk.dk")).one()
    used_step = user.totp_last_step
    db.close()
    code = totp.code_at(secret, used_step + 1)
    right = post(fresh, "/login/kode", {"code": code})
    assert right.status_code == 302 and right.headers["Location"] == "/"
    assert fresh.get("/").status_code == 200

    replay = app.test_client()
    do_login(replay, "koordinator@kk.dk", "correct horse battery")
    assert post(replay, "/login/kode", {"code": code}).status_code == 422
    actions = [e.action for e in trail(app)]
    assert "totp.enabled" in actions and actions.count("login.failed") >= 2


def test_two_factor_is_only_for_coordinators_and_admins(client, login):
    login(email="besvarer@kk.dk")
    assert post(client, "/konto/totp/start").status_code == 403
    assert "To-trins-login" not in client.get("/konto").text


def test_wrong_codes_count_towards_the_lockout(app, client, login):
    login()
    enable_totp(client)
    fresh = app.test_client()
    do_login(fresh, "koordinator@kk.dk", "correct horse battery")
    for _ in range(5):
        post(fresh, "/login/kode", {"code": "000000"})
    assert post(fresh, "/login/kode", {"code": "000000"}).status_code == 429


def test_opening_the_code_step_without_a_pending_login_keeps_the_session(client, login):
    """A plain link to /login/kode (GET only reads, ASVS 3.5.3) must not log a coordinator out."""
    login()
    answer = client.get("/login/kode")
    assert answer.status_code == 302 and answer.location.endswith("/")
    assert client.get("/api/v1/me").status_code == 200
    assert client.get("/enheder").status_code == 200


# -- sessions --------------------------------------------------------------------------------


def test_login_starts_a_fresh_session(client, login):
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        before = session["csrf"]
    login()
    with client.session_transaction() as session:
        assert "planted" not in session and session["csrf"] != before


@pytest.mark.parametrize(("key", "age"), [("seen", 31 * 60), ("iat", 13 * 3600)])
def test_idle_and_absolute_timeouts_end_the_session(client, login, key, age):
    login()
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        session[key] = time.time() - age
    assert client.get("/").status_code == 302
    assert "inaktiv for længe" in client.get("/login").text


def test_own_password_change_checks_the_current_one(app, client, login):
    login(email="besvarer@kk.dk")
    wrong = post(
        client,
        "/konto/adgangskode",
        {"current": "nope nope nope", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    assert wrong.status_code == 422
    other = app.test_client()
    do_login(other, "besvarer@kk.dk", "correct horse battery")
    ok = post(
        client,
        "/konto/adgangskode",
        {
            "current": "correct horse battery",
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
        },
    )
    assert ok.status_code == 302
    assert client.get("/").status_code == 200 and other.get("/").status_code == 302


# -- audit trail -----------------------------------------------------------------------------


def test_answer_saves_and_logins_are_in_the_trail_without_answer_texts(app, client, login):
    do_login(app.test_client(), "koordinator@kk.dk", "wrong password x")
    do_login(app.test_client(), "nobody-here@kk.dk", "wrong password x")
    login()
    token = client.get("/api/v1/me").get_json()["csrf_token"]
    saved = client.put(
        "/api/v1/rounds/2026/answers",
        json={"answers": [{"question_key": "operations.notes", "value": "HEMMELIG PLAN"}]},
        headers={"X-CSRF-Token": token},
    )
    assert saved.status_code == 200, saved.text
    entries = trail(app)
    actions = [e.action for e in entries]
    assert actions[:3] == ["login.failed", "login.failed", "login.succeeded"]
    assert entries[0].actor_name == "Koordinator"
    assert entries[1].actor_name == "ukendt" and entries[1].actor_user_id is None
    assert "nobody-here" not in str([(e.actor_name, e.target, e.detail) for e in entries])
    answer_entry = next(e for e in entries if e.action == "answers.saved")
    assert "operations.notes" in answer_entry.detail
    assert all("HEMMELIG" not in (e.detail or "") for e in entries)

    page = client.get("/revisionsspor")
    assert page.status_code == 200 and "Svar gemt" in page.text and "Mislykket login" in page.text
    filtered = client.get("/revisionsspor?handling=answers")
    assert "Svar gemt" in filtered.text and "Mislykket login" not in filtered.text
    exported = client.get("/revisionsspor.csv")
    assert exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "time" and any("Svar gemt" in row for row in rows)
    api = client.get("/api/v1/audit?handling=login").get_json()
    assert {e["action"] for e in api} == {"login.failed", "login.succeeded"}


def test_a_municipality_never_sees_another_ones_trail(app, client, login):
    login(email="koordinator@aarhus.dk", municipality=OTHER_MUNICIPALITY)
    client.post("/logout", data={"csrf_token": csrf_of(client)})
    login()
    page = client.get("/revisionsspor")
    assert "Koordinator" in page.text
    assert all(e["municipality_id"] == MUNICIPALITY for e in client.get("/api/v1/audit").get_json())


def test_old_entries_are_purged_after_the_retention(app, monkeypatch):
    monkeypatch.setenv("AUDIT_RETENTION_DAYS", "30")
    db = db_of(app)
    now = utcnow()
    actor = audit.Actor(1, "A", "coordinator")
    audit.write(db, "login.succeeded", actor, MUNICIPALITY, now=now - timedelta(days=31))
    audit.write(db, "login.succeeded", actor, MUNICIPALITY, now=now - timedelta(days=29))
    db.commit()
    assert audit.purge(db, now) == 1
    db.commit()
    assert len(trail(app)) == 1
    db.close()


def test_purge_runs_by_itself_at_most_hourly(app, monkeypatch):
    monkeypatch.setenv("AUDIT_RETENTION_DAYS", "1")
    monkeypatch.setattr(audit, "_last_purge", {})
    db = db_of(app)
    now = utcnow()
    actor = audit.Actor(1, "A", "coordinator")
    audit.write(db, "old", actor, MUNICIPALITY, now=now - timedelta(days=3))
    db.commit()
    audit.write(db, "new", actor, MUNICIPALITY, now=now)
    db.commit()
    assert [e.action for e in trail(app)] == ["new"]
    audit.write(db, "old", actor, MUNICIPALITY, now=now - timedelta(days=3))
    audit.write(db, "newer", actor, MUNICIPALITY, now=now + timedelta(minutes=10))
    db.commit()
    assert "old" in [e.action for e in trail(app)]
    audit.write(db, "later", actor, MUNICIPALITY, now=now + timedelta(hours=2))
    db.commit()
    assert "old" not in [e.action for e in trail(app)]
    db.close()


def test_coordinator_turns_off_a_colleagues_two_step_login(app, client, login):
    login()
    secret = enable_totp(client)
    assert secret
    client.post("/logout", data={"csrf_token": csrf_of(client)})
    db = db_of(app)
    colleague = db.scalars(select(User).where(User.email == "koordinator@kk.dk")).one()
    colleague_id = colleague.id
    create_user(
        db,
        municipality_id=MUNICIPALITY,
        email="vice@kk.dk",
        name="Vice",
        role="coordinator",
        password="correct horse battery",
    )
    db.commit()
    db.close()
    login(email="vice@kk.dk")
    assert "Slå to-trins-login fra" in client.get("/brugere").text
    assert post(client, f"/brugere/{colleague_id}/to-trins-fra").status_code == 302
    fresh = app.test_client()
    assert do_login(fresh, "koordinator@kk.dk", "correct horse battery").headers["Location"] == "/"
    assert [e.action for e in trail(app)].count("totp.disabled") == 1


def test_operator_turns_off_two_step_login_from_the_shell(app, client, login, tmp_path):
    from gateway import manage

    login()
    enable_totp(client)
    url = app.config["DATABASE_URL"]
    assert (
        manage.main(
            [
                "disable-totp",
                "--municipality",
                "101",
                "--email",
                "koordinator@kk.dk",
                "--database-url",
                url,
            ]
        )
        == 0
    )
    assert user_by_email(app, "koordinator@kk.dk").totp_secret is None
    assert manage.main(["disable-totp", "--email", "nobody@kl.dk", "--database-url", url]) == 2
