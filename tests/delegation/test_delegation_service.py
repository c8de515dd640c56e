"""The delegation service with survey and mail, against real RabbitMQ, PostgreSQL and SMTP."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from nameko.events import event_handler
from nameko.testing.services import entrypoint_hook
from prometheus_client import REGISTRY
from sqlalchemy import create_engine, text

from services.common import localtime
from services.common.errors import Conflict, Forbidden, NotFound, TooManyAttempts, ValidationFailed
from services.common.localtime import local_today
from services.delegation.service import DelegationService
from services.mail.service import MailService
from services.survey.service import SurveyService
from tests.delegation.mailbox import MailCatcher, html_of, text_of, token_in
from tests.support.questionnaires import SMALL_2026
from tests.support.services import ACTOR, fresh_queues, rpc_proxy, start_services, wait_for

AARHUS, VEJLE = 751, 630
EVENTS: list[tuple[str, dict]] = []
COORDINATOR = {
    "user_id": 1,
    "name": "Mette Kjær",
    "role": "coordinator",
    "email": "mette@aarhus.dk",
    "unit_id": None,
}


class DelegationEvents:
    name = "delegation_event_recorder"

    @event_handler("delegation", "delegation_submitted")
    def submitted(self, payload):
        EVENTS.append(("delegation_submitted", payload))

    @event_handler("delegation", "delegation_approved")
    def approved(self, payload):
        EVENTS.append(("delegation_approved", payload))


@pytest.fixture
def catcher(tmp_path):
    running = MailCatcher(tmp_path / "mail").start()
    yield running
    running.stop()


@pytest.fixture
def env(monkeypatch, catcher):
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(catcher.smtp_port))
    monkeypatch.setenv("SMTP_SECURITY", "none")
    monkeypatch.setenv("MAIL_RETRY_BASE_SECONDS", "0.5")
    monkeypatch.setenv("MAIL_RETRY_MAX_SECONDS", "1")
    monkeypatch.setenv("PUBLIC_BASE_URL", "http://gateway.test")
    monkeypatch.setenv("DELEGATION_LINK_MAX_FAILURES", "6")
    return monkeypatch


@pytest.fixture
def platform(container_factory, service_config, env):
    config = service_config("survey", "delegation", "mail")
    EVENTS.clear()
    start_services(container_factory, config, SurveyService, DelegationEvents)
    fresh_queues(config["AMQP_URI"], MailService)
    mail_container = container_factory(MailService, config)
    mail_container.start()
    container = container_factory(DelegationService, config)
    container.start()
    with rpc_proxy(config, timeout=20) as rpc:
        rpc.survey.import_questionnaire(SMALL_2026)
        rpc.survey.create_round(2026)
        rpc.survey.open_round(2026)
        it = rpc.survey.create_unit(AARHUS, {"name": "IT", "kind": "forvaltning"}, ACTOR)
        drift = rpc.survey.create_unit(
            AARHUS, {"name": "Drift", "kind": "afdeling", "parent_id": it["id"]}, ACTOR
        )
        hr = rpc.survey.create_unit(AARHUS, {"name": "HR", "kind": "forvaltning"}, ACTOR)
        rpc.units = {"it": it["id"], "drift": drift["id"], "hr": hr["id"]}
        rpc.config = config
        rpc.container = container
        rpc.mail_container = mail_container
        rpc.container_factory = container_factory
        yield rpc


def due(days: int = 14) -> str:
    return (local_today() + timedelta(days=days)).isoformat()


def delegate(rpc, **overrides):
    data = {
        "unit_id": None,
        "kind": "questions",
        "question_keys": ["governance.policy", "governance.reporting"],
        "delegate_name": "Ole Hansen",
        "delegate_email": "ole@aarhus.dk",
        "message": "Du kender politikken bedst.",
        "due_date": due(),
        **overrides,
    }
    return rpc.delegation.create_delegation(AARHUS, 2026, data, COORDINATOR)


def sql(rpc, statement: str, **params) -> None:
    engine = create_engine(rpc.config["DATABASE_URL_DELEGATION"])
    with engine.begin() as conn:
        conn.execute(text(statement), params)
    engine.dispose()


def sql_rows(rpc, statement: str) -> list:
    engine = create_engine(rpc.config["DATABASE_URL_DELEGATION"])
    with engine.connect() as conn:
        rows = conn.execute(text(statement)).all()
    engine.dispose()
    return rows


def metric(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_invitation_link_answer_submit_approve(platform, catcher):
    rpc = platform
    created = delegate(rpc)
    assert created["state"] == "assigned" and created["question_keys"] == [
        "governance.policy",
        "governance.reporting",
    ]
    invitation = catcher.wait_for("ole@aarhus.dk")[0]
    assert invitation["Subject"].startswith("Spørgsmål til dig")
    body = text_of(invitation)
    assert "Du kender politikken bedst." in body and "-- English --" in body
    assert "Er der en politik?" in body
    assert "Du kender politikken bedst." in html_of(invitation)
    token = token_in(invitation)

    view = rpc.delegation.open_link(token, "10.0.0.1")
    assert view["delegation"]["delegate_name"] == "Ole Hansen"
    assert view["delegation"]["editable"] is True
    shown = [q["key"] for area in view["areas"] for q in area["questions"]]
    assert shown == ["governance.policy", "governance.reporting"]
    assert view["areas"][0]["questions"][0]["help"]["da"] == "Se efter en godkendt politik."

    saved = rpc.delegation.delegate_save(
        token, [{"question_key": "governance.policy", "value": 4}], "10.0.0.1"
    )
    assert saved["saved"] == 1 and saved["delegation"]["state"] == "in_progress"
    history = rpc.survey.get_answer_history(AARHUS, 2026, "governance.policy")
    assert history[0]["actor_role"] == "delegate"
    assert history[0]["actor_name"] == "Ole Hansen (ole@aarhus.dk)"

    submitted = rpc.delegation.delegate_submit(
        token, [{"question_key": "governance.reporting", "value": "partly"}], "10.0.0.1"
    )
    assert submitted["delegation"]["state"] == "submitted"
    assert submitted["delegation"]["editable"] is False
    to_coordinator = catcher.wait_for("mette@aarhus.dk")[0]
    assert "Ole Hansen" in text_of(to_coordinator)
    assert f"http://gateway.test/runder/2026/delegeringer/{created['id']}" in text_of(
        to_coordinator
    )
    with pytest.raises(Conflict):
        rpc.delegation.delegate_save(
            token, [{"question_key": "governance.policy", "value": 1}], "10.0.0.1"
        )

    approved = rpc.delegation.approve_delegation(AARHUS, created["id"], COORDINATOR)
    assert approved["state"] == "approved"
    assert [t["to_state"] for t in approved["transitions"]] == [
        "assigned",
        "in_progress",
        "submitted",
        "approved",
    ]
    assert approved["transitions"][1]["actor_role"] == "delegate"
    assert approved["transitions"][3]["actor_name"] == "Mette Kjær"
    wait_for(lambda: {e for e, _ in EVENTS} == {"delegation_submitted", "delegation_approved"})
    approved_event = next(p for e, p in EVENTS if e == "delegation_approved")
    assert approved_event["municipality_id"] == AARHUS
    assert approved_event["state"] == "approved" and "ole@aarhus.dk" not in str(approved_event)
    answers = {a["question_key"]: a for a in rpc.survey.get_answers(AARHUS, 2026)}
    assert answers["governance.reporting"]["value"] == "partly"
    assert answers["governance.reporting"]["answered_by"] == "Ole Hansen (ole@aarhus.dk)"


def test_delegate_cannot_answer_outside_the_delegation(platform, catcher):
    rpc = platform
    unit = rpc.units["it"]
    delegate(rpc, unit_id=unit, kind="question", question_keys=["ownership.owners"])
    token = token_in(catcher.wait_for("ole@aarhus.dk")[0])
    with pytest.raises(Forbidden) as outside:
        rpc.delegation.delegate_save(
            token,
            [
                {"question_key": "ownership.owners", "value": "all"},
                {"question_key": "governance.policy", "value": 5},
            ],
            "10.0.0.2",
        )
    assert outside.value.field == "answers[1].question_key"
    with pytest.raises(Forbidden) as other_unit:
        rpc.delegation.delegate_save(
            token,
            [{"question_key": "ownership.owners", "unit_id": rpc.units["hr"], "value": "all"}],
            "10.0.0.2",
        )
    assert other_unit.value.field == "answers[0].unit_id"
    assert rpc.survey.get_answers(AARHUS, 2026, all_units=True) == []
    rpc.delegation.delegate_save(
        token, [{"question_key": "ownership.owners", "value": "some"}], "10.0.0.2"
    )
    saved = rpc.survey.get_answers(AARHUS, 2026, all_units=True)
    assert [(a["question_key"], a["unit_id"]) for a in saved] == [("ownership.owners", unit)]


def test_one_active_delegation_per_question_and_redelegation(platform, catcher):
    rpc = platform
    first = delegate(rpc, kind="area", question_keys=[], area_key="governance")
    assert first["question_keys"] == [
        "governance.policy",
        "governance.reporting",
        "governance.notes",
    ]
    with pytest.raises(Conflict) as clash:
        delegate(rpc, kind="question", question_keys=["governance.notes"])
    assert "Ole Hansen" in clash.value.detail
    old_token = token_in(catcher.wait_for("ole@aarhus.dk")[0])

    moved = rpc.delegation.redelegate(
        AARHUS,
        first["id"],
        {"delegate_name": "Sara Lund", "delegate_email": "sara@aarhus.dk", "message": None},
        COORDINATOR,
    )
    assert moved["replaces_id"] == first["id"] and moved["state"] == "assigned"
    assert moved["question_keys"] == first["question_keys"]
    with pytest.raises(NotFound):
        rpc.delegation.open_link(old_token, "10.0.0.3")
    new_token = token_in(catcher.wait_for("sara@aarhus.dk")[0])
    assert rpc.delegation.open_link(new_token, "10.0.0.3")["delegation"]["delegate_name"] == (
        "Sara Lund"
    )
    old = rpc.delegation.get_delegation(AARHUS, first["id"], COORDINATOR)
    assert old["state"] == "revoked" and old["transitions"][-1]["action"] == "redelegate"

    rpc.delegation.revoke_delegation(AARHUS, moved["id"], COORDINATOR)
    with pytest.raises(NotFound):
        rpc.delegation.open_link(new_token, "10.0.0.3")
    again = delegate(rpc, kind="question", question_keys=["governance.notes"])
    assert again["state"] == "assigned"


def test_send_back_with_comment_then_resubmit(platform, catcher):
    rpc = platform
    created = delegate(rpc)
    token = token_in(catcher.wait_for("ole@aarhus.dk")[0])
    rpc.delegation.delegate_submit(
        token, [{"question_key": "governance.policy", "value": 2}], "10.0.0.4"
    )
    with pytest.raises(ValidationFailed) as empty:
        rpc.delegation.send_back_delegation(AARHUS, created["id"], "   ", COORDINATOR)
    assert empty.value.field == "comment"
    back = rpc.delegation.send_back_delegation(
        AARHUS, created["id"], "Politikken er godkendt i 2025 – ret niveauet.", COORDINATOR
    )
    assert back["state"] == "sent_back"
    mails = catcher.wait_for("ole@aarhus.dk", count=2)
    assert "Politikken er godkendt i 2025" in text_of(mails[1])
    view = rpc.delegation.open_link(token_in(mails[1]), "10.0.0.4")
    assert view["delegation"]["review_comment"].startswith("Politikken er godkendt")
    rpc.delegation.delegate_save(token, [{"question_key": "governance.policy", "value": 3}])
    assert rpc.delegation.open_link(token)["delegation"]["state"] == "in_progress"
    rpc.delegation.delegate_submit(token, [])
    detail = rpc.delegation.get_delegation(AARHUS, created["id"], COORDINATOR)
    assert [t["to_state"] for t in detail["transitions"]] == [
        "assigned",
        "in_progress",
        "submitted",
        "sent_back",
        "in_progress",
        "submitted",
    ]
    assert detail["transitions"][3]["comment"].startswith("Politikken")


def test_expired_guessed_tampered_and_other_municipality(platform, catcher):
    rpc = platform
    created = delegate(rpc)
    token = token_in(catcher.wait_for("ole@aarhus.dk")[0])
    for bad in ("", "x" * 43, token[:-1] + ("A" if token[-1] != "A" else "B"), token[:20]):
        with pytest.raises(NotFound):
            rpc.delegation.open_link(bad, "10.0.0.5")
    with pytest.raises(NotFound):
        rpc.delegation.get_delegation(VEJLE, created["id"], {**COORDINATOR, "user_id": 9})
    with pytest.raises(NotFound):
        rpc.delegation.approve_delegation(VEJLE, created["id"], {**COORDINATOR, "user_id": 9})
    assert rpc.delegation.list_delegations(VEJLE, 2026, {**COORDINATOR, "user_id": 9}) == []

    rpc.delegation.extend_delegation(AARHUS, created["id"], due(30), COORDINATOR)
    past = local_today() - timedelta(days=15)
    sql(rpc, "UPDATE delegations SET due_date = :d WHERE id = :i", d=past, i=created["id"])
    with pytest.raises(NotFound):
        rpc.delegation.open_link(token, "10.0.0.6")
    extended = rpc.delegation.extend_delegation(AARHUS, created["id"], due(7), COORDINATOR)
    assert extended["transitions"][-1]["action"] == "extend"
    assert rpc.delegation.open_link(token, "10.0.0.6")["delegation"]["due_date"] == due(7)


def test_wrong_links_are_throttled_per_client_but_a_valid_link_always_opens(platform, catcher):
    rpc = platform
    delegate(rpc)
    token = token_in(catcher.wait_for("ole@aarhus.dk")[0])
    before = metric("platform_delegate_links_refused_total", reason="rate_limited")
    refused = []
    for _ in range(50):
        with pytest.raises((NotFound, TooManyAttempts)) as caught:
            rpc.delegation.open_link("A" * 43, "192.0.2.7")
        refused.append(type(caught.value))
    assert refused == [NotFound] * 6 + [TooManyAttempts] * 44
    assert metric("platform_delegate_links_refused_total", reason="rate_limited") == before + 44
    assert rpc.delegation.open_link(token, "192.0.2.7")["delegation"]["state"] == "assigned"
    assert rpc.delegation.delegate_save(token, [], "192.0.2.7")["saved"] == 0
    with pytest.raises(TooManyAttempts):
        rpc.delegation.open_link("B" * 43, "192.0.2.7")
    with pytest.raises(NotFound):
        rpc.delegation.open_link("A" * 43, "192.0.2.8")


def test_unit_lead_delegates_only_in_own_subtree(platform, catcher):
    rpc = platform
    lead = {**COORDINATOR, "user_id": 2, "role": "unit_lead", "unit_id": rpc.units["it"]}
    mine = delegate(rpc, unit_id=rpc.units["drift"], kind="unit", question_keys=[])
    assert mine["question_keys"] == ["ownership.owners", "ownership.controls", "ownership.training"]
    with pytest.raises(Forbidden):
        rpc.delegation.create_delegation(
            AARHUS,
            2026,
            {
                "unit_id": rpc.units["hr"],
                "kind": "unit",
                "delegate_name": "X",
                "delegate_email": "x@aarhus.dk",
                "due_date": due(),
            },
            lead,
        )
    with pytest.raises(Forbidden):
        rpc.delegation.create_delegation(
            AARHUS,
            2026,
            {
                "unit_id": None,
                "kind": "question",
                "question_keys": ["governance.notes"],
                "delegate_name": "X",
                "delegate_email": "x@aarhus.dk",
                "due_date": due(),
            },
            lead,
        )
    hr = delegate(
        rpc, unit_id=rpc.units["hr"], kind="unit", delegate_email="hr@aarhus.dk", question_keys=[]
    )
    assert [d["id"] for d in rpc.delegation.list_delegations(AARHUS, 2026, lead)] == [mine["id"]]
    with pytest.raises(NotFound):
        rpc.delegation.revoke_delegation(AARHUS, hr["id"], lead)
    overview = rpc.delegation.overview(AARHUS, 2026, COORDINATOR)
    assert overview["open"] == 2
    target = next(t for t in overview["targets"] if t["unit_id"] == rpc.units["drift"])
    assert [q["question_key"] for q in target["areas"]["ownership"]][0] == "ownership.owners"


def test_bad_input_names_the_field(platform):
    rpc = platform
    cases = [
        ({"delegate_email": "not-an-address"}, "delegate_email"),
        ({"due_date": (local_today() - timedelta(days=1)).isoformat()}, "due_date"),
        ({"question_keys": ["ownership.owners"]}, "question_keys[0]"),
        ({"question_keys": ["nope.nope"]}, "question_keys[0]"),
        ({"kind": "area", "area_key": "nope"}, "area_key"),
        ({"kind": "unit"}, "unit_id"),
    ]
    for change, field in cases:
        with pytest.raises(ValidationFailed) as raised:
            delegate(rpc, **change)
        assert raised.value.field == field, change
    assert rpc.delegation.list_delegations(AARHUS, 2026, COORDINATOR) == []


def test_mail_service_away_then_back_every_mail_arrives_once(platform, catcher, monkeypatch):
    """Delegating works while mail is away; the invitations wait in delegation's database."""
    rpc = platform
    monkeypatch.setenv("RPC_TIMEOUT", "1")
    rpc.mail_container.stop()
    keys = ["governance.policy", "governance.reporting"]
    for index, key in enumerate(keys):
        delegate(rpc, kind="question", question_keys=[key], delegate_email=f"p{index}@aarhus.dk")
    listed = rpc.delegation.list_delegations(AARHUS, 2026, COORDINATOR)
    # The invitations wait in delegation's database and show as pending, not as missing.
    assert [(d["mail_pending"], d["mail_failed"]) for d in listed] == [(1, False), (1, False)]
    time.sleep(3)
    assert catcher.messages() == []
    assert sql_rows(rpc, "SELECT idempotency_key FROM mail_requests")
    # The calls that timed out are gone with the queue: only the waiting requests bring them.
    fresh_queues(rpc.config["AMQP_URI"], MailService)
    rpc.container_factory(MailService, rpc.config).start()
    for index in range(len(keys)):
        catcher.wait_for(f"p{index}@aarhus.dk")
    wait_for(lambda: not sql_rows(rpc, "SELECT id FROM mail_requests"))
    time.sleep(3)
    ids = [m["Message-ID"] for m in catcher.messages()]
    assert len(ids) == len(keys) == len(set(ids))


def test_bad_address_is_a_permanent_failure_shown_and_counted(platform, catcher):
    rpc = platform
    before = metric("platform_mails_permanently_failed_total", kind="invitation")
    created = delegate(rpc, delegate_email="ole@aarhus.invalid")

    def failed():
        return rpc.delegation.get_delegation(AARHUS, created["id"], COORDINATOR)["mail_failed"]

    wait_for(failed)
    detail = rpc.delegation.get_delegation(AARHUS, created["id"], COORDINATOR)
    assert detail["mails"][0]["state"] == "failed" and "550" in detail["mails"][0]["last_error"]
    assert metric("platform_mails_permanently_failed_total", kind="invitation") == before + 1
    assert rpc.delegation.overview(AARHUS, 2026, COORDINATOR)["mail_failed"] == 1


def test_reminders_before_and_after_due_date_at_most_daily(platform, catcher, monkeypatch):
    rpc = platform
    created = delegate(rpc)
    catcher.wait_for("ole@aarhus.dk")
    today = local_today()
    sql(
        rpc,
        "UPDATE delegations SET due_date = :d, last_mailed_on = :m WHERE id = :i",
        d=today + timedelta(days=1),
        m=today - timedelta(days=5),
        i=created["id"],
    )
    with entrypoint_hook(rpc.container, "send_reminders") as send_reminders:
        assert send_reminders() == 1
        assert send_reminders() == 0
    reminder = catcher.wait_for("ole@aarhus.dk", count=2)[1]
    assert reminder["Subject"].startswith("Påmindelse: svarfrist")
    assert rpc.delegation.open_link(token_in(reminder))["delegation"]["state"] == "assigned"
    # Two days later the due date has passed: one overdue reminder that day, not more.
    monkeypatch.setattr(localtime, "local_today", lambda now=None: today + timedelta(days=2))
    with entrypoint_hook(rpc.container, "send_reminders") as send_reminders:
        assert send_reminders() == 1
        assert send_reminders() == 0
    overdue = catcher.wait_for("ole@aarhus.dk", count=3)[2]
    assert "overskredet" in overdue["Subject"]
    assert rpc.delegation.list_delegations(AARHUS, 2026, COORDINATOR)[0]["overdue"] is True
    time.sleep(2.5)
    assert len(catcher.to("ole@aarhus.dk")) == 3


def test_daily_digest_when_enabled(platform, catcher, env):
    rpc = platform
    env.setenv("DELEGATION_DIGEST_HOUR", "0")
    assert rpc.delegation.get_digest(AARHUS, COORDINATOR) == {"enabled": False}
    with entrypoint_hook(rpc.container, "send_reminders") as send_reminders:
        send_reminders()
    delegate(rpc)
    catcher.wait_for("ole@aarhus.dk")
    assert catcher.to("mette@aarhus.dk") == []
    assert rpc.delegation.set_digest(AARHUS, COORDINATOR, True) == {"enabled": True}
    with entrypoint_hook(rpc.container, "send_reminders") as send_reminders:
        send_reminders()
        send_reminders()
    digest = catcher.wait_for("mette@aarhus.dk")
    assert len(digest) == 1 and "Ole Hansen" in text_of(digest[0])
