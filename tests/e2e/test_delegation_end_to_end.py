"""Delegation through the whole platform: processes, HTTP, and a real SMTP server on loopback.

A coordinator delegates in the browser, the delegate follows the link from the caught e-mail,
answers, saves, submits, and the coordinator approves; SMTP dies while invitations are sent (and
the mail service is killed too), comes back, and every message arrives exactly once;
guessed, tampered, expired, revoked and other-municipality access is refused and reveals nothing.
"""

from __future__ import annotations

import re
import time
import urllib.request
from datetime import timedelta

import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import create_engine, text

from services.common.localtime import local_today
from tests.delegation.mailbox import link_in, text_of, token_in
from tests.support.http import Browser
from tests.support.platform import add_users, platform_env, run_platform, smtp_env
from tests.support.services import wait_for

PASSWORD = "et-langt-kodeord-til-test"
AARHUS, VEJLE = 751, 630
QUESTIONNAIRE = """
key: informationssikkerhed
year: 2026
version: "2026.1"
acceptable_level: 3
title: {da: "Testspørgeramme", en: "Test questionnaire"}
description: {da: "Til test.", en: "For tests."}
areas:
  - key: governance
    title: {da: "Ledelse", en: "Governance"}
    description: {da: "Ledelse.", en: "Governance."}
    questions:
      - key: governance.policy
        type: maturity
        scope: municipality
        text: {da: "Er der en godkendt politik?", en: "Is there an approved policy?"}
        help: {da: "Se efter referatet fra byrådet.", en: "Look for the council minutes."}
        levels:
          1: {da: "Ingen", en: "None"}
          2: {da: "Udkast", en: "Draft"}
          3: {da: "Godkendt", en: "Approved"}
          4: {da: "Fulgt op", en: "Followed up"}
          5: {da: "Forbedret", en: "Improved"}
        references: {iso27001: ["A.5.1"], nis2: [], cis: []}
        recommendation: {da: "Forbedr det.", en: "Improve it."}
      - key: governance.reporting
        type: yes_partly_no
        scope: municipality
        text: {da: "Rapporteres der til direktionen?", en: "Is top management reported to?"}
        help: {da: "Årlig rapport.", en: "Annual report."}
        references: {iso27001: ["A.5.4"], nis2: [], cis: []}
        recommendation: {da: "Forbedr det.", en: "Improve it."}
      - key: governance.secret
        type: yes_partly_no
        scope: municipality
        text: {da: "Et spørgsmål der ikke er delegeret", en: "A question not delegated"}
        help: {da: "Ikke delegeret.", en: "Not delegated."}
        references: {iso27001: ["A.5.2"], nis2: [], cis: []}
        recommendation: {da: "Forbedr det.", en: "Improve it."}
  - key: ownership
    title: {da: "Ejerskab", en: "Ownership"}
    description: {da: "Ejere.", en: "Owners."}
    questions:
      - key: ownership.owners
        type: yes_partly_no
        scope: unit
        text: {da: "Har systemerne ejere?", en: "Do the systems have owners?"}
        help: {da: "Navngivne ejere.", en: "Named owners."}
        references: {iso27001: ["A.5.9"], nis2: [], cis: []}
        recommendation: {da: "Forbedr det.", en: "Improve it."}
      - key: ownership.review
        type: yes_partly_no
        scope: unit
        text: {da: "Gennemgås rettigheder?", en: "Are access rights reviewed?"}
        help: {da: "Mindst årligt.", en: "At least yearly."}
        references: {iso27001: ["A.5.18"], nis2: [], cis: []}
        recommendation: {da: "Forbedr det.", en: "Improve it."}
"""


@pytest.fixture(scope="module")
def platform(amqp_uri, pg_database, tmp_path_factory, catcher):
    env = platform_env(
        amqp_uri,
        pg_database,
        tmp_path_factory,
        **smtp_env(catcher),
        MAIL_RETRY_BASE_SECONDS="0.5",
        MAIL_RETRY_MAX_SECONDS="1",
    )
    running = run_platform(env, tmp_path_factory)
    try:
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30) as rpc:
            rpc.survey.import_questionnaire(QUESTIONNAIRE)
            rpc.survey.create_round(2026)
            rpc.survey.open_round(2026)
        add_users(
            env,
            [
                (AARHUS, "koordinator@aarhus.dk", "Mette Kjær", "coordinator", None),
                (VEJLE, "k@vejle.dk", "Peter Dahl", "coordinator", None),
            ],
            PASSWORD,
        )
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def aarhus(platform):
    browser = Browser(platform.base_url)
    assert browser.login(AARHUS, "koordinator@aarhus.dk", PASSWORD).status_code in (302, 303)
    return browser


@pytest.fixture(scope="module")
def vejle(platform):
    browser = Browser(platform.base_url)
    assert browser.login(VEJLE, "k@vejle.dk", PASSWORD).status_code in (302, 303)
    return browser


@pytest.fixture(scope="module")
def unit_id(aarhus):
    created = aarhus.api("POST", "/units", json={"name": "IT-drift", "kind": "forvaltning"})
    assert created.status_code == 201, created.text
    return created.json()["id"]


def due(days: int = 10) -> str:
    return (local_today() + timedelta(days=days)).isoformat()


def delegate_api(browser: Browser, email: str, **overrides) -> dict:
    body = {
        "year": 2026,
        "unit_id": None,
        "kind": "question",
        "question_keys": ["governance.reporting"],
        "delegate_name": "Ole Hansen",
        "delegate_email": email,
        "due_date": due(),
        **overrides,
    }
    response = browser.api("POST", "/delegations", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_delegate_follows_the_mailed_link_answers_submits_and_is_approved(
    platform, aarhus, catcher
):
    form = aarhus.get("/runder/2026/delegeringer/ny?unit=kommune&area=governance")
    assert form.status_code == 200 and "Er der en godkendt politik?" in form.text
    created = aarhus.post_form(
        "/runder/2026/delegeringer/ny?unit=kommune&area=governance",
        {
            "kind": "questions",
            "question_keys": ["governance.policy", "governance.reporting"],
            "delegate_name": "Ole Hansen",
            "delegate_email": "ole.hansen@aarhus.dk",
            "due_date": due(),
            "message": "Du kender politikken bedst.",
        },
        token_from="/runder/2026/delegeringer/ny?unit=kommune&area=governance",
    )
    assert created.status_code in (302, 303), created.text
    detail_path = created.headers["Location"]
    delegation_id = int(detail_path.rstrip("/").rsplit("/", 1)[1])

    invitation = catcher.wait_for("ole.hansen@aarhus.dk")[0]
    link = link_in(invitation)
    assert link.startswith(platform.base_url)
    assert "Du kender politikken bedst." in text_of(invitation)

    delegate = Browser(platform.base_url)
    path = link.removeprefix(platform.base_url)
    page = delegate.get(path)
    assert page.status_code == 200
    assert "Er der en godkendt politik?" in page.text
    assert "Se efter referatet fra byrådet." in page.text
    assert "Et spørgsmål der ikke er delegeret" not in page.text
    assert 'name="viewport"' in page.text

    saved = delegate.post_form(
        path,
        {
            "action": "save",
            "value-governance.policy": "4",
            # Crafted fields for a question outside the delegation and another municipality:
            "value-governance.secret": "yes",
            "municipality_id": str(VEJLE),
        },
    )
    assert saved.status_code in (302, 303)
    resumed = delegate.get(path)
    assert 'value="4" checked' in resumed.text

    submitted = delegate.post_form(
        path,
        {
            "action": "submit",
            "value-governance.policy": "4",
            "value-governance.reporting": "partly",
        },
    )
    assert submitted.status_code in (302, 303)
    after = delegate.get(path)
    assert "sendt til godkendelse" in after.text
    assert 'name="action" value="submit"' not in after.text

    notice = catcher.wait_for("koordinator@aarhus.dk")[0]
    assert f"{platform.base_url}/runder/2026/delegeringer/{delegation_id}" in text_of(notice)
    review = aarhus.get(detail_path)
    assert review.status_code == 200 and "Afventer godkendelse" in review.text
    assert "Ole Hansen (ole.hansen@aarhus.dk)" in review.text
    approved = aarhus.post_form(f"{detail_path}/godkend", {}, token_from=detail_path)
    assert approved.status_code in (302, 303)

    state = aarhus.api("GET", f"/delegations/{delegation_id}").json()
    assert state["state"] == "approved"
    assert [t["to_state"] for t in state["transitions"]] == [
        "assigned",
        "in_progress",
        "submitted",
        "approved",
    ]
    history = aarhus.api(
        "GET", "/rounds/2026/answers/history?question_key=governance.reporting"
    ).json()
    assert history[0]["actor_role"] == "delegate"
    assert history[0]["actor_name"] == "Ole Hansen (ole.hansen@aarhus.dk)"
    answers = {a["question_key"]: a for a in aarhus.api("GET", "/rounds/2026/answers").json()}
    assert answers["governance.policy"]["value"] == 4
    assert "governance.secret" not in answers
    assert delegate.get(path).status_code == 200


def test_unit_delegation_overview_and_unit_answers(platform, aarhus, unit_id, catcher):
    created = delegate_api(
        aarhus, "unit.person@aarhus.dk", unit_id=unit_id, kind="unit", question_keys=[]
    )
    assert created["question_keys"] == ["ownership.owners", "ownership.review"]
    clash = aarhus.api(
        "POST",
        "/delegations",
        json={
            "year": 2026,
            "unit_id": unit_id,
            "kind": "question",
            "question_keys": ["ownership.review"],
            "delegate_name": "Anden",
            "delegate_email": "anden@aarhus.dk",
            "due_date": due(),
        },
    )
    assert clash.status_code == 409 and clash.json()["field"] == "question_keys[0]"
    overview = aarhus.get("/runder/2026/delegeringer")
    assert overview.status_code == 200
    assert "IT-drift" in overview.text and "unit.person@aarhus.dk" in overview.text
    page_path = link_in(catcher.wait_for("unit.person@aarhus.dk")[0]).removeprefix(
        platform.base_url
    )
    delegate = Browser(platform.base_url)
    assert "Gennemgås rettigheder?" in delegate.get(page_path).text
    saved = delegate.post_form(page_path, {"action": "save", "value-ownership.owners": "yes"})
    assert saved.status_code in (302, 303)
    unit_answers = aarhus.api("GET", f"/rounds/2026/answers?unit_id={unit_id}").json()
    assert [(a["question_key"], a["value"]) for a in unit_answers] == [("ownership.owners", "yes")]
    data = aarhus.api("GET", "/delegations/overview?year=2026").json()
    target = next(t for t in data["targets"] if t["unit_id"] == unit_id)
    assert {q["state"] for q in target["areas"]["ownership"]} == {"in_progress"}


def test_smtp_down_and_service_killed_then_every_mail_arrives_once(platform, aarhus, catcher):
    catcher.stop()
    addresses = [f"vent{i}@aarhus.dk" for i in range(3)]
    keys = ["governance.secret", "governance.policy", "governance.reporting"]
    made = []
    for address, key in zip(addresses, keys, strict=True):
        open_ = aarhus.api("GET", "/delegations?year=2026").json()
        for d in open_:
            if d["active"] and key in d["question_keys"]:
                aarhus.api("POST", f"/delegations/{d['id']}/revoke", json={})
        made.append(delegate_api(aarhus, address, question_keys=[key]))
    wait_for(
        lambda: aarhus.api("GET", f"/delegations/{made[-1]['id']}").json()["mails"][0]["attempts"],
        timeout=20,
    )
    platform.kill("mail")
    platform.start_service("mail")
    platform.wait_healthy(("mail",))
    detail = aarhus.api("GET", f"/delegations/{made[0]['id']}").json()
    assert detail["mails"][0]["state"] == "pending" and detail["mails"][0]["attempts"] >= 1
    assert all(catcher.to(a) == [] for a in addresses)
    catcher.start()
    for address in addresses:
        catcher.wait_for(address, timeout=30)
    time.sleep(4)
    received = [m for a in addresses for m in catcher.to(a)]
    assert len(received) == len(addresses)
    assert len({m["Message-ID"] for m in received}) == len(addresses)
    port = platform.env["METRICS_PORT_MAIL"]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        body = response.read().decode()
    assert re.search(r'platform_mails_sent_total\{kind="invitation"\} [1-9]', body)


def test_guessed_tampered_expired_revoked_and_foreign_access_is_refused(
    platform, aarhus, vejle, catcher
):
    for d in aarhus.api("GET", "/delegations?year=2026").json():
        if d["active"] and "governance.secret" in d["question_keys"]:
            aarhus.api("POST", f"/delegations/{d['id']}/revoke", json={})
    created = delegate_api(aarhus, "refused@aarhus.dk", question_keys=["governance.secret"])
    token = token_in(catcher.wait_for("refused@aarhus.dk")[0])
    anonymous = Browser(platform.base_url)
    assert anonymous.get(f"/delegering/{token}").status_code == 200

    guessed = anonymous.get("/delegering/" + "Q" * 43)
    assert guessed.status_code == 404
    assert "Linket virker ikke" in guessed.text and "The link does not work" in guessed.text
    tampered = anonymous.get(f"/delegering/{token[:-2]}{'AB' if token[-2:] != 'AB' else 'CD'}")
    assert tampered.status_code == 404 and tampered.text == guessed.text
    assert anonymous.get(f"/delegering/{token[:30]}").text == guessed.text

    foreign = vejle.api("GET", f"/delegations/{created['id']}")
    assert foreign.status_code == 404
    assert vejle.api("POST", f"/delegations/{created['id']}/approve", json={}).status_code == 404
    assert vejle.api("POST", f"/delegations/{created['id']}/revoke", json={}).status_code == 404
    assert vejle.api("GET", "/delegations?year=2026").json() == []
    assert vejle.get(f"/runder/2026/delegeringer/{created['id']}").status_code == 404

    engine = create_engine(platform.env["DATABASE_URL_DELEGATION"])
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE delegations SET due_date = :d WHERE id = :i"),
            {"d": local_today() - timedelta(days=30), "i": created["id"]},
        )
    engine.dispose()
    expired = anonymous.get(f"/delegering/{token}")
    assert expired.status_code == 404 and expired.text == guessed.text
    extended = aarhus.api("POST", f"/delegations/{created['id']}/extend", json={"due_date": due()})
    assert extended.status_code == 200, extended.text
    assert anonymous.get(f"/delegering/{token}").status_code == 200

    # The token decides the municipality: used from a Vejle coordinator's browser session it
    # still answers only Aarhus' delegated question, and Vejle's answers stay untouched.
    from_vejle = vejle.post_form(
        f"/delegering/{token}",
        {"action": "save", "value-governance.secret": "yes", "municipality_id": str(VEJLE)},
    )
    assert from_vejle.status_code in (302, 303)
    assert vejle.api("GET", "/rounds/2026/answers").json() == []
    mine = {a["question_key"]: a for a in aarhus.api("GET", "/rounds/2026/answers").json()}
    assert mine["governance.secret"]["value"] == "yes"

    revoked = aarhus.api("POST", f"/delegations/{created['id']}/revoke", json={"comment": "fejl"})
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    after = anonymous.get(f"/delegering/{token}")
    assert after.status_code == 404 and after.text == guessed.text
    post = anonymous.post_form(
        f"/delegering/{token}",
        {"action": "save", "value-governance.secret": "no"},
        token_from="/login",
    )
    assert post.status_code == 404
    answers = {a["question_key"]: a for a in aarhus.api("GET", "/rounds/2026/answers").json()}
    assert answers["governance.secret"]["value"] == "yes"
