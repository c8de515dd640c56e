"""The mail service against real RabbitMQ, PostgreSQL and an SMTP server on loopback."""

from __future__ import annotations

import time

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import create_engine, text

from services.common.errors import ValidationFailed
from services.common.tokens import new_token
from services.mail.service import MailService
from tests.delegation.mailbox import MailCatcher, html_of, text_of
from tests.support.platform import smtp_env
from tests.support.services import rpc_proxy, start_services, wait_for

AARHUS = 751
REPORT_READY = {
    "kind": "report_ready",
    "municipality_id": AARHUS,
    "to_name": "Mette Kjær",
    "subject": "Rapporten er klar",
    "text": "Din rapport er klar.",
    "html": "<p>Din rapport er klar.</p>",
}


@pytest.fixture
def catcher(tmp_path):
    running = MailCatcher(tmp_path / "mail").start()
    yield running
    running.stop()


@pytest.fixture
def mail(container_factory, service_config, catcher, monkeypatch):
    for name, value in smtp_env(catcher).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MAIL_RETRY_BASE_SECONDS", "0.5")
    monkeypatch.setenv("MAIL_RETRY_MAX_SECONDS", "1")
    monkeypatch.setenv("PUBLIC_BASE_URL", "http://gateway.test")
    config = service_config("mail")
    start_services(container_factory, config, MailService)
    with rpc_proxy(config, timeout=20) as rpc:
        rpc.config = config
        yield rpc


def metric(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def stored(rpc, statement: str, **params) -> list:
    engine = create_engine(rpc.config["DATABASE_URL_MAIL"])
    with engine.connect() as conn:
        rows = conn.execute(text(statement), params).all()
    engine.dispose()
    return rows


def test_smtp_killed_every_address_gets_exactly_one_mail(mail, catcher):
    catcher.stop()
    failures_before = metric("platform_mail_failures_total", kind="report_ready")
    addresses = [f"person{index}@aarhus.dk" for index in range(3)]
    for index, address in enumerate(addresses):
        mail.mail.queue_mail(f"report_ready:{index}", {**REPORT_READY, "to_addr": address})
    wait_for(lambda: metric("platform_mail_failures_total", kind="report_ready") > failures_before)
    assert catcher.messages() == []
    catcher.start()
    for address in addresses:
        catcher.wait_for(address)
    # Several more sending rounds pass: nothing is sent twice.
    wait_for(lambda: metric("platform_mails_pending") == 0)
    time.sleep(3)
    ids = [m["Message-ID"] for m in catcher.messages()]
    assert len(ids) == len(addresses) == len(set(ids))


def test_one_key_one_mail_and_the_link_token_is_forgotten_once_sent(mail, catcher):
    """The gateway's invitations: rendered here, the token only until SMTP has the mail."""
    token = new_token()
    message = {
        "kind": "account_invite",
        "municipality_id": AARHUS,
        "to_name": "Ole Hansen",
        "to_addr": "ole.konto@aarhus.dk",
        "context": {
            "name": "Ole Hansen",
            "email": "ole.konto@aarhus.dk",
            "municipality_name": "Aarhus",
            "inviter_name": "Mette Kjær",
            "role_da": "besvarer",
            "role_en": "respondent",
            "expires_da": "5. december 2026 kl. 12:00",
            "expires_en": "5 December 2026 at 12:00",
        },
        "link": {"token": token, "path": "/konto/invitation/"},
    }
    queued = mail.mail.queue_mail("account:invitation:7:abc", message)
    assert queued["created"] is True
    again = mail.mail.queue_mail("account:invitation:7:abc", {**message, "context": {}})
    assert again == {"id": queued["id"], "state": again["state"], "created": False}
    sent = catcher.wait_for("ole.konto@aarhus.dk")[0]
    body = text_of(sent)
    assert sent["Subject"].startswith("Invitation til Sikkerhedsbaseline for Aarhus")
    assert f"http://gateway.test/konto/invitation/{token}" in body
    assert "http://gateway.test/login" in body
    assert "Mette Kjær har oprettet en konto til dig" in body and "-- English --" in body
    assert f"/konto/invitation/{token}" in html_of(sent)
    wait_for(lambda: stored(mail, "SELECT state FROM mail_messages")[0].state == "sent")
    row = stored(mail, "SELECT secret, text_body FROM mail_messages WHERE id = :i", i=queued["id"])
    assert row[0].secret is None and token not in row[0].text_body
    time.sleep(2.5)
    assert len(catcher.to("ole.konto@aarhus.dk")) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"to_addr": "not-an-address"}, "message.to_addr"),
        ({"to_addr": "ole @aarhus.dk"}, "message.to_addr"),
        ({"subject": None}, "message.subject"),
        ({"kind": "invitation"}, "message.context"),
        ({"kind": "invitation", "context": {"delegate_name": "Ole"}}, "message.context"),
        ({"link": {"token": "short", "path": "/delegering/"}}, "message.link.token"),
        ({"link": {"token": new_token(), "path": "https://evil.example/"}}, "message.link.path"),
        ({"municipality_id": "751"}, "message.municipality_id"),
        ({"surprise": 1}, "message.surprise"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(mail, change, field):
    with pytest.raises(ValidationFailed) as refused:
        mail.mail.queue_mail("report_ready:9", {**REPORT_READY, "to_addr": "a@b.dk", **change})
    assert refused.value.field == field
    assert stored(mail, "SELECT id FROM mail_messages") == []


def test_a_missing_key_is_refused(mail):
    with pytest.raises(ValidationFailed) as refused:
        mail.mail.queue_mail("", {**REPORT_READY, "to_addr": "a@b.dk"})
    assert refused.value.field == "idempotency_key"


def test_a_refused_address_fails_for_good_and_its_reference_shows_it(mail, catcher):
    before = metric("platform_mails_permanently_failed_total", kind="report_ready")
    message = {**REPORT_READY, "to_addr": "ole@aarhus.invalid", "reference": "delegation:4"}
    mail.mail.queue_mail("report_ready:1", message)

    def failed():
        return mail.mail.list_mails(["delegation:4"])["delegation:4"][0]["state"] == "failed"

    wait_for(failed)
    shown = mail.mail.list_mails(["delegation:4", "delegation:5"])
    assert shown["delegation:5"] == []
    assert (
        shown["delegation:4"][0]["attempts"] == 1
        and "550" in shown["delegation:4"][0]["last_error"]
    )
    assert "text_body" not in shown["delegation:4"][0]
    assert metric("platform_mails_permanently_failed_total", kind="report_ready") == before + 1


def test_cancelling_a_reference_drops_only_its_unsent_links(mail, catcher):
    catcher.stop()
    link = {"token": new_token(), "path": "/delegering/"}
    first = {**REPORT_READY, "to_addr": "a@aarhus.dk", "reference": "delegation:1", "link": link}
    mail.mail.queue_mail("k1", first)
    mail.mail.queue_mail("k2", {**first, "link": None})
    mail.mail.queue_mail("k3", {**first, "reference": "delegation:2"})
    assert mail.mail.cancel_links("delegation:1") == 1
    states = {
        r.idempotency_key: (r.state, r.secret) for r in stored(mail, "SELECT * FROM mail_messages")
    }
    assert states["k1"] == ("cancelled", None)
    assert states["k2"] == ("pending", None) and states["k3"][0] == "pending"
