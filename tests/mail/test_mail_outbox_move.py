"""The upgrade of issue 13 on PostgreSQL: delegation's old outbox, rows in every state, moves
to the mail service's database, and the mail service sends what was waiting, once."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, inspect, text

from services.common.config import REPO_ROOT
from services.common.outbox import utcnow
from services.common.tokens import new_token
from services.mail import legacy
from services.mail.service import MailService
from tests.delegation.mailbox import MailCatcher
from tests.support.platform import smtp_env
from tests.support.services import rpc_proxy, start_services, wait_for
from tools import move_mail_outbox

DELEGATION_MIGRATIONS = REPO_ROOT / "services" / "delegation" / "migrations"
TOKEN = new_token()
OLD_ROWS = [
    # key, delegation, kind, address, state, secret, claimed
    ("invitation:1", 1, "invitation", "ole@aarhus.dk", "pending", TOKEN, False),
    ("reminder:1:2026-03-01", 1, "reminder", "sara@aarhus.dk", "pending", None, True),
    ("invitation:2", 1, "invitation", "bo@aarhus.dk", "sent", None, False),
    ("sent_back:1:3", 1, "sent_back", "bad@aarhus.invalid", "failed", None, False),
    ("invitation:3", 1, "invitation", "gone@aarhus.dk", "cancelled", None, False),
    ("notify:report_ready:5", None, "report_ready", "kl@kl.dk", "pending", None, False),
    ("account:invitation:7:abc", None, "account_invite", "ny@aarhus.dk", "sent", None, False),
    ("digest:1:2026-03-01", None, "digest", "mette@aarhus.dk", "sent", None, False),
]


def delegation_at_0001(url: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(DELEGATION_MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url)
    command.upgrade(cfg, "0001")


def fill_old_outbox(url: str) -> None:
    engine = create_engine(url)
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO delegations (id, municipality_id, year, municipality_name, kind,"
                " question_keys, delegate_name, delegate_email, due_date, state, revision,"
                " delegator_name, delegator_role, created_at, updated_at) VALUES (1, 751, 2026,"
                " 'Aarhus', 'questions', '[]', 'Ole', 'ole@aarhus.dk', :due, 'assigned', 1,"
                " 'Mette', 'coordinator', :now, :now)"
            ),
            {"due": (now + timedelta(days=10)).date(), "now": now},
        )
        for key, delegation_id, kind, address, state, secret, claimed in OLD_ROWS:
            conn.execute(
                text(
                    "INSERT INTO mail_messages (idempotency_key, municipality_id, delegation_id,"
                    " kind, to_name, to_addr, subject, text_body, html_body, message_id, secret,"
                    " link_base, state, attempts, next_attempt_at, claimed_until, last_error,"
                    " created_at, sent_at) VALUES (:key, 751, :d, :kind, 'Navn', :addr,"
                    " :subject, 'Hej @@DELEGATE-LINK@@', '<p>@@DELEGATE-LINK@@</p>', :mid,"
                    " :secret, :base, :state, :attempts, :now, :claimed, :error, :now, :sent)"
                ),
                {
                    "key": key,
                    "d": delegation_id,
                    "kind": kind,
                    "addr": address,
                    "subject": f"Gammel {key}",
                    "mid": f"<{key}@old>",
                    "secret": secret,
                    "base": "http://gateway.test/delegering/" if secret else None,
                    "state": state,
                    "attempts": 1 if state == "failed" else 0,
                    "now": now - timedelta(minutes=1),
                    "claimed": now + timedelta(minutes=4) if claimed else None,
                    "error": "recipient refused (550)" if state == "failed" else None,
                    "sent": now if state == "sent" else None,
                },
            )
    engine.dispose()


@pytest.fixture
def databases(pg_database, monkeypatch):
    urls = {"delegation": pg_database("delegation"), "mail": pg_database("mail")}
    monkeypatch.setenv("DATABASE_URL_DELEGATION", urls["delegation"])
    monkeypatch.setenv("DATABASE_URL_MAIL", urls["mail"])
    delegation_at_0001(urls["delegation"])
    fill_old_outbox(urls["delegation"])
    return urls


def mail_rows(url: str) -> dict:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM mail_messages")).all()
    engine.dispose()
    return {r.idempotency_key: r for r in rows}


def test_every_old_mail_moves_once_and_the_old_table_goes_only_then(databases, capsys):
    assert move_mail_outbox.main() == 0
    assert "8 mails, 8 copied" in capsys.readouterr().out
    moved = mail_rows(databases["mail"])
    assert sorted(moved) == sorted(legacy.new_key(row[0]) for row in OLD_ROWS)
    invitation = moved["invitation:1"]
    assert (invitation.state, invitation.secret, invitation.reference) == (
        "pending",
        TOKEN,
        "delegation:1",
    )
    assert invitation.link_base == "http://gateway.test/delegering/"
    assert moved["reminder:1:2026-03-01"].claimed_until is None
    assert moved["sent_back:1:3"].state == "failed" and "550" in moved["sent_back:1:3"].last_error
    assert moved["invitation:3"].state == "cancelled"
    assert moved["report_ready:5"].reference is None and moved["report_ready:5"].state == "pending"
    assert moved["invitation:2"].sent_at is not None
    assert moved["invitation:2"].message_id == "<invitation:2@old>"
    delegation_tables = inspect(create_engine(databases["delegation"])).get_table_names()
    assert "legacy_mail_messages" not in delegation_tables
    assert "mail_messages" not in delegation_tables
    # Run again: nothing to move, nothing copied twice.
    assert move_mail_outbox.main() == 0
    assert "No old mail outbox" in capsys.readouterr().out
    assert len(mail_rows(databases["mail"])) == len(OLD_ROWS)


def test_a_mail_queued_again_after_the_upgrade_is_not_copied_over_it(databases):
    """Reporting asks again for its 'report ready' mail before the move ran: one mail stays."""
    move_mail_outbox.run_migrations(databases["delegation"], move_mail_outbox.DELEGATION_MIGRATIONS)
    move_mail_outbox.run_migrations(databases["mail"], move_mail_outbox.MAIL_MIGRATIONS)
    engine = create_engine(databases["mail"])
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO mail_messages (idempotency_key, municipality_id, kind, to_name,"
                " to_addr, subject, text_body, html_body, message_id, state, attempts,"
                " next_attempt_at, created_at) VALUES ('report_ready:5', 0, 'report_ready', 'KL',"
                " 'kl@kl.dk', 'Ny', 't', 'h', '<new@x>', 'sent', 0, :now, :now)"
            ),
            {"now": datetime(2026, 3, 1)},
        )
    engine.dispose()
    assert move_mail_outbox.main() == 0
    moved = mail_rows(databases["mail"])
    assert len(moved) == len(OLD_ROWS) and moved["report_ready:5"].subject == "Ny"


def test_old_table_is_kept_when_rows_did_not_arrive(databases, monkeypatch):
    real_converted = legacy.converted

    def lose_one(row: dict) -> dict:
        values = real_converted(row)
        values["idempotency_key"] = values["idempotency_key"] + ":elsewhere"
        return values

    monkeypatch.setattr(legacy, "converted", lose_one)
    assert move_mail_outbox.main() == 1
    assert inspect(create_engine(databases["delegation"])).has_table("legacy_mail_messages")


def test_after_the_move_the_mail_service_sends_what_waited_once_with_its_link(
    databases, container_factory, service_config, tmp_path, monkeypatch
):
    assert move_mail_outbox.main() == 0
    catcher = MailCatcher(tmp_path / "mail").start()
    try:
        for name, value in smtp_env(catcher).items():
            monkeypatch.setenv(name, value)
        config = {**service_config(), "DATABASE_URL_MAIL": databases["mail"]}
        config["METRICS_PORT_MAIL"] = 0
        start_services(container_factory, config, MailService)
        invitation = catcher.wait_for("ole@aarhus.dk")[0]
        assert f"http://gateway.test/delegering/{TOKEN}" in invitation.get_body().get_content()
        catcher.wait_for("kl@kl.dk")
        catcher.wait_for("sara@aarhus.dk")
        wait_for(lambda: mail_rows(databases["mail"])["reminder:1:2026-03-01"].state == "sent")
        with rpc_proxy(config) as rpc:
            shown = rpc.mail.list_mails(["delegation:1"])["delegation:1"]
        assert [m["state"] for m in shown] == ["sent", "sent", "sent", "failed", "cancelled"]
        for address in ("bo@aarhus.dk", "gone@aarhus.dk", "ny@aarhus.dk", "mette@aarhus.dk"):
            assert catcher.to(address) == []
        assert len(catcher.to("ole@aarhus.dk")) == 1
    finally:
        catcher.stop()
