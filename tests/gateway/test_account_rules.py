"""The pure rules of accounts: password policy, TOTP codes and window, link expiry, lockout
arithmetic, session timeouts, and what an audit entry may contain."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from gateway import audit, passwords, throttling, totp
from gateway.accounts import link_is_valid
from gateway.auth import session_expired
from gateway.models import AccountToken, AuditEntry

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


# -- password policy -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "password.too_short"),
        ("elleve tegn", "password.too_short"),
        ("x" * 257, "password.too_long"),
        ("123456789012", "password.common"),
        ("qazwsxedcrfv", "password.common"),
        ("password1234", "password.common"),
        ("Sommer2026!!", "password.common"),
        ("2026adgangskode", "password.common"),
        ("1q2w3e4r5t6y", "password.common"),
        ("abcabcabcabc", "password.common"),
        ("zzzzzzzzzzzzzzzz", "password.common"),
        ("mette.kjaer-er-sej", "password.contains_email"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password, problem):
    assert passwords.problem(password, "mette.kjaer@aarhus.dk") == problem


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery",
        "Blå hus ved fjorden 7",
        "et-langt-kodeord-til-test",
        "abcdefghij-" * 23 + "abc",
    ],
)
def test_long_uncommon_passwords_pass(password):
    assert passwords.problem(password, "mette.kjaer@aarhus.dk") is None


def test_the_common_list_is_the_large_one():
    assert len(passwords.common_passwords()) > 30000
    assert "kodeord" in passwords.common_passwords()


# -- TOTP ------------------------------------------------------------------------------------

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


@pytest.mark.parametrize(
    ("unix_time", "expected"),
    [(59, "94287082"), (1111111109, "07081804"), (1234567890, "89005924")],
)
def test_codes_match_the_rfc_6238_test_vectors(unix_time, expected):
    assert totp.code_at(RFC_SECRET, totp.step_of(unix_time), digits=8) == expected


def test_a_code_is_accepted_one_step_either_side_and_not_beyond():
    secret = totp.new_secret()
    now = 1_800_000_015.0
    step = totp.step_of(now)
    for offset in (-1, 0, 1):
        assert totp.verify(secret, totp.code_at(secret, step + offset), now, None) == step + offset
    for offset in (-3, -2, 2, 3):
        code = totp.code_at(secret, step + offset)
        if all(code != totp.code_at(secret, step + o) for o in (-1, 0, 1)):
            assert totp.verify(secret, code, now, None) is None


def test_a_code_cannot_be_replayed_and_older_codes_die_with_it():
    secret = totp.new_secret()
    now = 1_800_000_015.0
    step = totp.step_of(now)
    current = totp.code_at(secret, step)
    used = totp.verify(secret, current, now, None)
    assert used == step
    assert totp.verify(secret, current, now, used) is None
    assert totp.verify(secret, totp.code_at(secret, step - 1), now, used) is None
    assert totp.verify(secret, totp.code_at(secret, step + 1), now, used) == step + 1


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 34 5x", "²²²²²²", "٣٣٣٣٣٣"])
def test_malformed_codes_are_refused(code):
    assert totp.verify(totp.new_secret(), code, 1_800_000_000.0, None) is None


def test_secret_and_provisioning_uri_suit_authenticator_apps():
    secret = totp.new_secret()
    assert len(secret) == 32 and secret.isalnum() and secret.isupper()
    uri = totp.provisioning_uri(secret, "mette@aarhus.dk")
    assert uri.startswith("otpauth://totp/Sikkerhedsbaseline%3Amette%40aarhus.dk?")
    assert f"secret={secret}" in uri and "issuer=Sikkerhedsbaseline" in uri
    assert totp.grouped("ABCDEFGH") == "ABCD EFGH"


# -- links -----------------------------------------------------------------------------------


def test_a_link_is_valid_until_it_expires_or_is_used():
    link = AccountToken(expires_at=NOW + timedelta(hours=1), used_at=None)
    assert link_is_valid(link, NOW)
    assert link_is_valid(link, NOW + timedelta(minutes=59))
    assert not link_is_valid(link, NOW + timedelta(hours=1))
    link.used_at = NOW
    assert not link_is_valid(link, NOW)


# -- lockout arithmetic -----------------------------------------------------------------------


def failures(*minutes_ago: float) -> list[datetime]:
    return sorted((NOW - timedelta(minutes=m) for m in minutes_ago), reverse=True)


def test_five_failures_in_fifteen_minutes_lock_until_fifteen_after_the_last():
    limit = throttling.ACCOUNT_FROM_CLIENT
    assert throttling.locked_until(failures(1, 2, 3, 4), limit, NOW) is None
    until = throttling.locked_until(failures(1, 2, 3, 4, 5), limit, NOW)
    assert until == NOW - timedelta(minutes=1) + timedelta(minutes=15)


def test_failures_spread_wider_than_the_window_do_not_lock():
    assert (
        throttling.locked_until(failures(1, 5, 9, 13, 17), throttling.ACCOUNT_FROM_CLIENT, NOW)
        is None
    )


def test_every_lockout_ends_on_its_own():
    limit = throttling.ACCOUNT_FROM_CLIENT
    burst = failures(1, 1, 1, 1, 1)
    assert throttling.locked_until(burst, limit, NOW + timedelta(minutes=13)) is not None
    assert throttling.locked_until(burst, limit, NOW + timedelta(minutes=14)) is None


def test_one_client_cannot_lock_an_account_for_everyone():
    """The per-client limit is low; locking an account from anywhere takes six times more."""
    assert throttling.ACCOUNT_ANYWHERE.failures >= 6 * throttling.ACCOUNT_FROM_CLIENT.failures
    assert throttling.ACCOUNT_ANYWHERE.lockout <= timedelta(minutes=15)


# -- session timeouts ------------------------------------------------------------------------


def test_session_ends_when_idle_or_old():
    idle, absolute = 30 * 60, 12 * 3600
    start = 1_000_000.0
    assert not session_expired(start, start + 100, start + 100 + 29 * 60, idle, absolute)
    assert session_expired(start, start + 100, start + 100 + 31 * 60, idle, absolute)
    busy = start + absolute + 1
    assert session_expired(start, busy - 5, busy, idle, absolute)


# -- audit entries ---------------------------------------------------------------------------

ACTOR = audit.Actor(7, "Mette", "coordinator")


def test_answer_saves_record_question_keys_never_answer_texts():
    answers = [
        {"question_key": "operations.notes", "unit_id": None, "value": "HEMMELIG TEKST"},
        {"question_key": "governance.owner", "unit_id": 3, "value": 4, "comment": "privat"},
    ]
    entry = audit.entry_for_call(
        "survey", "save_answers", (101, 2026, answers, {}), {"saved": 2}, ACTOR, 101
    )
    assert entry["action"] == "answers.saved" and entry["municipality_id"] == 101
    assert entry["detail"] == {
        "year": 2026,
        "questions": ["operations.notes", "governance.owner (enhed 3)"],
    }
    assert "HEMMELIG" not in json.dumps(entry["detail"]) and "privat" not in str(entry)


def test_a_delegates_save_is_attributed_to_the_delegate_in_the_delegations_municipality():
    result = {"delegation": {"municipality_id": 751, "year": 2026, "delegate_name": "Ole"}}
    entry = audit.entry_for_call(
        "delegation",
        "delegate_submit",
        ("a-secret-token", [{"question_key": "g.p", "value": "x"}], "client"),
        result,
        None,
        None,
    )
    assert entry["actor"] == audit.Actor(None, "Ole", "delegate")
    assert entry["municipality_id"] == 751 and entry["action"] == "delegation.submitted"
    assert "a-secret-token" not in str(entry)
    nowhere = {"delegation": {"year": 2026, "delegate_name": "Ole"}}
    args = ("t", [], "client")
    assert audit.entry_for_call("delegation", "delegate_save", args, nowhere, None, None) is None


def test_reads_are_not_audited_but_report_downloads_are():
    assert audit.entry_for_call("survey", "get_answers", (101, 2026), [], ACTOR, 101) is None
    entry = audit.entry_for_call(
        "reporting", "download_report", (101, 42, {}), {"filename": "r.pdf"}, ACTOR, 101
    )
    assert entry["action"] == "report.downloaded" and entry["target"] == 42
    national = audit.entry_for_call(
        "reporting", "download_national_report", (9,), {"filename": "n.pdf"}, ACTOR, None
    )
    assert national["municipality_id"] is None


def test_csv_neutralises_formulas_and_uses_danish_time():
    entry = AuditEntry(
        created_at=datetime(2026, 7, 1, 10, 0, tzinfo=UTC),
        municipality_id=101,
        actor_name="=HYPERLINK(evil)",
        actor_role="coordinator",
        action="login.succeeded",
        target=None,
        detail=None,
    )
    text = audit.to_csv([entry], lambda a: "Logget ind")
    assert text.startswith("\ufefftime;municipality;actor")
    assert "2026-07-01 12:00:00;101;'=HYPERLINK(evil);coordinator;Logget ind" in text


def test_purge_audit_command_removes_only_old_entries(tmp_path, monkeypatch, capsys):
    from gateway import manage
    from gateway.db import session_scope
    from gateway.models import utcnow

    monkeypatch.setenv("AUDIT_RETENTION_DAYS", "10")
    url = f"sqlite:///{tmp_path}/purge.db"
    actor = audit.Actor(None, "A", "admin")
    with session_scope(url) as db:
        audit.write(db, "new", actor, None, now=utcnow())
        db.add(
            AuditEntry(
                created_at=utcnow() - timedelta(days=11),
                actor_name="A",
                actor_role="admin",
                action="old",
            )
        )
    assert manage.main(["purge-audit", "--database-url", url]) == 0
    assert "removed 1 audit entries older than 10 days" in capsys.readouterr().out
    with session_scope(url) as db:
        assert [e.action for e in db.query(AuditEntry)] == ["new"]
