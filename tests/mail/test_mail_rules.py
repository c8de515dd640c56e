"""The mail rules without a broker: rendering, addresses, backoff, SMTP failure kinds."""

from __future__ import annotations

import re
import smtplib
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage

import pytest

from services.mail import rendering as mail
from services.mail import rules
from services.mail import smtp as mailer

# ---- mail ----------------------------------------------------------------------------------

CONTEXT = {
    "municipality_name": "Aarhus",
    "delegate_name": "Ole <Hansen>",
    "delegator_name": "Mette Kjær",
    "scope_name_da": "IT-drift",
    "scope_name_en": "IT-drift",
    "year": 2026,
    "due_date": date(2026, 3, 20),
    "expires_on": date(2026, 4, 3),
    "message": "Se <b>bilaget</b>",
    "question_count": 1,
    "questions": [{"text": {"da": "Er der en politik?", "en": "Is there a policy?"}}],
    "link": mail.LINK_PLACEHOLDER,
    "comment": "Ret niveauet",
    "reviewer_name": "Mette Kjær",
    "review_url": "http://x/runder/2026/delegeringer/1",
    "overdue": False,
}


@pytest.mark.parametrize("kind", ["invitation", "reminder", "sent_back", "submitted"])
def test_every_message_is_danish_then_english_in_text_and_html(kind):
    rendered = mail.render(kind, CONTEXT)
    assert " / " in rendered.subject and "\n" not in rendered.subject
    assert "-- English --" in rendered.text
    assert rendered.text.index("Kære") < rendered.text.index("Dear")
    assert '<div lang="en">' in rendered.html and "Kære" in rendered.html


def test_html_escapes_while_text_keeps_the_words():
    rendered = mail.render("invitation", CONTEXT)
    assert "Ole &lt;Hansen&gt;" in rendered.html and "<b>bilaget</b>" not in rendered.html
    assert "Ole <Hansen>" in rendered.text and "20. marts 2026" in rendered.text
    assert "20 March 2026" in rendered.text and "3. april 2026" in rendered.text


def test_link_is_filled_in_only_when_sent_and_message_id_is_stable():
    rendered = mail.render("invitation", CONTEXT)
    assert mail.LINK_PLACEHOLDER in rendered.text and mail.LINK_PLACEHOLDER in rendered.html
    message = mail.build_message(
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        to_name="Ole",
        to_addr="ole@aarhus.dk",
        from_addr="Sikkerhedsbaseline <no-reply@example.dk>",
        msg_id=rules.message_id("invitation:1", "example.dk"),
        created_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        link="http://x/delegering/TOKEN",
    )
    body = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "http://x/delegering/TOKEN" in body and "http://x/delegering/TOKEN" in html
    assert mail.LINK_PLACEHOLDER not in body + html
    assert message["Message-ID"] == rules.message_id("invitation:1", "example.dk")
    assert rules.message_id("invitation:1", "d") != rules.message_id("invitation:2", "d")


def test_digest_lists_the_delegations():
    rendered = mail.render(
        "digest",
        {
            "municipality_name": "Aarhus",
            "recipient_name": "Mette",
            "today": date(2026, 3, 2),
            "rows": [
                {
                    "delegate_name": "Ole",
                    "scope_name_da": "IT-drift",
                    "state": "submitted",
                    "due_date": date(2026, 3, 1),
                    "overdue": True,
                    "mail_failed": False,
                }
            ],
            "counts": {"open": 1, "submitted": 1, "overdue": 1, "failed": 0},
            "overview_url": "http://x/runder/2026/delegeringer",
        },
    )
    assert "Ole · IT-drift · Indsendt – afventer godkendelse" in rendered.text
    assert "OVERSKREDET" in rendered.text


def test_unknown_mail_kind_is_refused():
    with pytest.raises(ValueError):
        mail.render("spam", CONTEXT)


# ---- SMTP error classification -------------------------------------------------------------


class FakeSmtp:
    def __init__(self, error: Exception | None = None, refused: dict | None = None) -> None:
        self.error, self.refused = error, refused or {}

    def send_message(self, message, from_addr):
        if self.error is not None:
            raise self.error
        return self.refused


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (smtplib.SMTPRecipientsRefused({"a@b.dk": (550, b"no such user")}), True),
        (smtplib.SMTPRecipientsRefused({"a@b.dk": (451, b"try later")}), False),
        (smtplib.SMTPDataError(554, b"rejected"), True),
        (smtplib.SMTPDataError(452, b"full"), False),
        (smtplib.SMTPSenderRefused(550, b"sender", "x@y"), False),
        (smtplib.SMTPServerDisconnected("gone"), False),
        (ConnectionResetError(), False),
    ],
)
def test_permanent_only_when_the_server_refuses_for_good(error, permanent):
    with pytest.raises(mailer.SendFailed) as raised:
        mailer.send(FakeSmtp(error), EmailMessage(), "x@y")
    assert raised.value.permanent is permanent


def test_partially_refused_recipient_is_reported():
    with pytest.raises(mailer.SendFailed) as raised:
        mailer.send(FakeSmtp(refused={"a@b.dk": (550, b"no")}), EmailMessage(), "x@y")
    assert raised.value.permanent


def test_smtp_settings_from_environment(monkeypatch):
    monkeypatch.setenv("SMTP_SECURITY", "starttls")
    monkeypatch.setenv("SMTP_HOST", "relay.kommune.dk")
    monkeypatch.setenv("SMTP_USERNAME", "baseline")
    monkeypatch.setenv("MAIL_FROM", "Baseline <baseline@kommune.dk>")
    monkeypatch.delenv("SMTP_PORT", raising=False)
    settings = mailer.SmtpSettings.from_env()
    assert (settings.host, settings.port, settings.security) == (
        "relay.kommune.dk",
        587,
        "starttls",
    )
    assert settings.sender_domain == "kommune.dk" and settings.username == "baseline"
    monkeypatch.setenv("SMTP_SECURITY", "tls")
    assert mailer.SmtpSettings.from_env().port == 465
    monkeypatch.setenv("SMTP_SECURITY", "ssl3")
    with pytest.raises(ValueError):
        mailer.SmtpSettings.from_env()


def test_mail_templates_hold_no_words_of_their_own():
    """Every sentence comes from the catalogues, so both languages say the same."""
    brand = {"Sikkerhedsbaseline"}
    for template in mail.TEMPLATES.iterdir():
        source = template.read_text(encoding="utf-8")
        source = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", source, flags=re.S)
        source = re.sub(r"<[^>]*>", " ", source)
        words = set(re.findall(r"[A-Za-zÆØÅæøå]{2,}", source)) - brand
        assert not words, f"{template.name}: {sorted(words)}"


def test_every_mail_text_exists_in_both_languages():
    assert mail.CATALOGS.keys("da") == mail.CATALOGS.keys("en")


@pytest.mark.parametrize("kind", ["account_invite", "password_reset"])
def test_account_mails_are_danish_then_english(kind):
    context = {
        "municipality_name": "Odense",
        "name": "Bo",
        "inviter_name": "Mette",
        "role_da": "besvarer",
        "role_en": "respondent",
        "expires_da": "5. december 2026 kl. 12:00",
        "expires_en": "5 December 2026 at 12:00",
        "base_url": "http://x",
        "email": "bo@odense.dk",
        "link": mail.LINK_PLACEHOLDER,
    }
    rendered = mail.render(kind, context)
    assert rendered.text.index("Kære Bo") < rendered.text.index("Dear Bo")
    assert "5. december 2026" in rendered.text and "5 December 2026" in rendered.text
    assert '<div lang="en">' in rendered.html


def test_dates_arrive_over_rpc_as_iso_text_and_read_the_same():
    as_text = {**CONTEXT, "due_date": "2026-03-20", "expires_on": "2026-04-03"}
    assert mail.render("invitation", as_text) == mail.render("invitation", CONTEXT)


@pytest.mark.parametrize(
    "address",
    [
        "",
        "ole",
        "@aarhus.dk",
        "ole@",
        "ole @aarhus.dk",
        "ole@aar\nhus.dk",
        5,
        None,
        "a" * 250 + "@b.dk",
    ],
)
def test_an_address_that_cannot_be_one_is_refused(address):
    with pytest.raises(rules.AddressInvalid):
        rules.checked_address(address)


def test_an_address_is_trimmed():
    assert rules.checked_address("  ole@aarhus.dk ") == "ole@aarhus.dk"


def test_backoff_doubles_and_is_capped():
    delays = [rules.retry_delay(n, 30, 600).total_seconds() for n in range(1, 8)]
    assert delays == [30, 60, 120, 240, 480, 600, 600]
    assert rules.retry_delay(500, 30, 600).total_seconds() == 600


def test_give_up_when_permanent_or_waited_too_long():
    created = datetime(2026, 3, 1, 12, 0)
    day = timedelta(hours=24)
    assert rules.gives_up(True, created, created, day)
    assert not rules.gives_up(False, created, created + day, day)
    assert rules.gives_up(False, created, created + day + timedelta(seconds=1), day)
