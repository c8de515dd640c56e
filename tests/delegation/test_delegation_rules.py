"""The delegation rules without a broker: state machine, links, scope, reminders, digest."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.delegation import digest, scheduling, scope, states, tokens

# ---- state machine -------------------------------------------------------------------------


def test_happy_path_and_send_back_loop():
    state = "assigned"
    state = states.next_state(state, "start", "delegate")
    assert state == "in_progress"
    state = states.next_state(state, "submit", "delegate")
    assert state == "submitted"
    state = states.next_state(state, "send_back", "coordinator")
    assert state == "sent_back"
    assert states.next_state(state, "start", "delegate") == "in_progress"
    assert states.next_state(state, "submit", "delegate") == "submitted"
    assert states.next_state("submitted", "approve", "unit_lead") == "approved"


@pytest.mark.parametrize(
    ("state", "action", "role"),
    [
        ("assigned", "approve", "coordinator"),
        ("in_progress", "send_back", "coordinator"),
        ("submitted", "submit", "delegate"),
        ("submitted", "approve", "delegate"),
        ("assigned", "revoke", "delegate"),
        ("approved", "revoke", "coordinator"),
        ("revoked", "start", "delegate"),
        ("approved", "extend", "coordinator"),
        ("submitted", "start", "delegate"),
        ("assigned", "submit", "coordinator"),
        ("assigned", "fly", "coordinator"),
    ],
)
def test_refused_transitions(state, action, role):
    with pytest.raises(states.TransitionRefused):
        states.next_state(state, action, role)


def test_closed_states_are_not_active_and_extend_keeps_the_state():
    assert not states.is_active("approved") and not states.is_active("revoked")
    assert all(states.is_active(s) for s in ("assigned", "in_progress", "submitted", "sent_back"))
    assert states.next_state("in_progress", "extend", "coordinator") == "in_progress"


def test_overdue_only_while_the_delegate_must_act():
    due = date(2026, 3, 1)
    assert not states.is_overdue("assigned", due, due)
    assert states.is_overdue("assigned", due, due + timedelta(days=1))
    assert not states.is_overdue("submitted", due, due + timedelta(days=9))
    assert not states.is_overdue("approved", due, due + timedelta(days=9))


# ---- links ---------------------------------------------------------------------------------


def test_tokens_carry_256_random_bits_and_are_stored_as_sha256():
    made = {tokens.new_token() for _ in range(200)}
    assert len(made) == 200
    assert all(tokens.looks_like_token(t) and len(t) == 43 for t in made)
    token = made.pop()
    digest = tokens.token_hash(token)
    assert len(digest) == 64 and token not in digest
    assert tokens.token_hash(token) == digest != tokens.token_hash(token[:-1] + "x")


@pytest.mark.parametrize(
    "candidate", ["", "short", "A" * 42, "A" * 44, "A" * 42 + "/", "A" * 42 + "=", None, 42]
)
def test_malformed_tokens_are_refused_before_lookup(candidate):
    assert not tokens.looks_like_token(candidate)


def test_link_expires_at_the_end_of_due_date_plus_grace_in_danish_time():
    # Summer time: local midnight is 22:00 UTC the day before.
    assert tokens.expires_at(date(2026, 6, 10), 14) == datetime(2026, 6, 24, 22, 0)
    # Winter time: 23:00 UTC.
    assert tokens.expires_at(date(2026, 1, 10), 0) == datetime(2026, 1, 10, 23, 0)
    assert not tokens.is_expired(date(2026, 1, 10), 0, datetime(2026, 1, 10, 22, 59))
    assert tokens.is_expired(date(2026, 1, 10), 0, datetime(2026, 1, 10, 23, 0))


def test_client_keys_hide_the_address():
    key = tokens.client_key("192.0.2.7")
    assert "192" not in key and key == tokens.client_key("192.0.2.7")
    assert key != tokens.client_key("192.0.2.8")


# ---- scope ---------------------------------------------------------------------------------

QUESTIONNAIRE = {
    "areas": [
        {
            "key": "governance",
            "questions": [
                {"key": "governance.policy", "scope": "municipality"},
                {"key": "governance.owner", "scope": "unit"},
                {"key": "governance.reporting", "scope": "municipality"},
            ],
        },
        {
            "key": "technical",
            "questions": [
                {"key": "technical.backup", "scope": "unit"},
                {"key": "technical.central", "scope": "municipality"},
            ],
        },
    ]
}


def test_scope_kinds_resolve_in_questionnaire_order():
    resolve = scope.resolve_questions
    assert resolve(QUESTIONNAIRE, None, "question", ["governance.reporting"]) == [
        "governance.reporting"
    ]
    assert resolve(
        QUESTIONNAIRE, None, "questions", ["technical.central", "governance.policy"]
    ) == ["governance.policy", "technical.central"]
    assert resolve(QUESTIONNAIRE, None, "area", area_key="governance") == [
        "governance.policy",
        "governance.reporting",
    ]
    assert resolve(QUESTIONNAIRE, 7, "area", area_key="governance") == ["governance.owner"]
    assert resolve(QUESTIONNAIRE, 7, "unit") == ["governance.owner", "technical.backup"]


@pytest.mark.parametrize(
    ("unit_id", "kind", "keys", "area", "field"),
    [
        (None, "unit", [], None, "unit_id"),
        (None, "questions", [], None, "question_keys"),
        (None, "question", ["governance.policy", "governance.reporting"], None, "question_keys"),
        (None, "questions", ["governance.owner"], None, "question_keys[0]"),
        (7, "questions", ["technical.backup", "governance.policy"], None, "question_keys[1]"),
        (None, "questions", ["nope"], None, "question_keys[0]"),
        (None, "area", [], "nope", "area_key"),
        (None, "everything", [], None, "kind"),
    ],
)
def test_scope_errors_name_the_field(unit_id, kind, keys, area, field):
    with pytest.raises(scope.ScopeInvalid) as raised:
        scope.resolve_questions(QUESTIONNAIRE, unit_id, kind, keys, area)
    assert raised.value.field == field


UNITS = [
    {"id": 1, "parent_id": None},
    {"id": 2, "parent_id": 1},
    {"id": 3, "parent_id": None},
]


def test_who_may_delegate_what():
    coordinator = {"role": "coordinator"}
    lead = {"role": "unit_lead", "unit_id": 1}
    scope.check_may_manage(coordinator, None, UNITS)
    scope.check_may_manage(lead, 2, UNITS)
    for unit_id in (None, 3):
        with pytest.raises(scope.ScopeForbidden):
            scope.check_may_manage(lead, unit_id, UNITS)
    assert scope.manageable_unit_ids(lead, UNITS) == {1, 2}
    assert scope.manageable_unit_ids({"role": "unit_lead", "unit_id": 99}, UNITS) == set()
    assert scope.manageable_unit_ids({"role": "respondent"}, UNITS) == set()


def test_delegate_answers_stay_inside_the_delegation():
    keys = ["governance.owner"]
    checked = scope.check_answers_in_scope([{"question_key": "governance.owner"}], keys, 7)
    assert checked == [{"question_key": "governance.owner", "unit_id": 7}]
    for answers, field in (
        ([{"question_key": "governance.policy"}], "answers[0].question_key"),
        ([{"question_key": "governance.owner", "unit_id": 8}], "answers[0].unit_id"),
        ([{"question_key": "governance.owner", "unit_id": None}], "answers[0].unit_id"),
        (["governance.owner"], "answers[0]"),
    ):
        with pytest.raises(scope.ScopeInvalid) as raised:
            scope.check_answers_in_scope(answers, keys, 7)
        assert raised.value.field == field


@given(st.lists(st.sampled_from(["governance.owner", "technical.backup", "x.y"]), max_size=6))
def test_scope_check_never_lets_a_foreign_question_through(wanted):
    answers = [{"question_key": key} for key in wanted]
    try:
        checked = scope.check_answers_in_scope(answers, ["governance.owner"], 7)
    except scope.ScopeInvalid:
        assert any(key != "governance.owner" for key in wanted)
    else:
        assert all(a["question_key"] == "governance.owner" and a["unit_id"] == 7 for a in checked)


# ---- reminders, backoff, digest -----------------------------------------------------------

SCHEDULE = scheduling.ReminderSchedule(before_days=(3, 1), overdue_days=(1, 3, 7), grace_days=14)
DUE = date(2026, 3, 20)


@pytest.mark.parametrize(
    ("today", "last", "expected"),
    [
        (date(2026, 3, 10), date(2026, 3, 1), None),
        (date(2026, 3, 17), date(2026, 3, 1), (date(2026, 3, 17), "before")),
        (date(2026, 3, 18), date(2026, 3, 17), None),
        (date(2026, 3, 19), date(2026, 3, 17), (date(2026, 3, 19), "before")),
        (date(2026, 3, 19), date(2026, 3, 19), None),
        (date(2026, 3, 20), date(2026, 3, 19), None),
        (date(2026, 3, 21), date(2026, 3, 19), (date(2026, 3, 21), "overdue")),
        (date(2026, 3, 25), date(2026, 3, 21), (date(2026, 3, 23), "overdue")),
        (date(2026, 3, 25), date(2026, 3, 23), None),
        (date(2026, 3, 17), date(2026, 3, 17), None),
    ],
)
def test_reminder_schedule_catches_up_and_sends_at_most_one_a_day(today, last, expected):
    assert scheduling.reminder_due("in_progress", DUE, last, today, SCHEDULE) == expected


def test_no_reminder_once_submitted_or_closed():
    for state in ("submitted", "approved", "revoked"):
        assert scheduling.reminder_due(state, DUE, None, date(2026, 3, 19), SCHEDULE) is None


def test_schedule_from_environment_strings():
    parsed = scheduling.ReminderSchedule.parse("1, 5", "", "10")
    assert parsed == scheduling.ReminderSchedule((1, 5), (), 10)
    assert scheduling.reminder_points(DUE, parsed) == [
        (date(2026, 3, 15), "before"),
        (date(2026, 3, 19), "before"),
    ]
    with pytest.raises(ValueError):
        scheduling.ReminderSchedule.parse("-1", "", "10")


def test_overdue_reminders_stop_with_the_grace_period():
    short = scheduling.ReminderSchedule((1,), (1, 3, 30), 5)
    kinds = scheduling.reminder_points(DUE, short)
    assert (DUE + timedelta(days=30), "overdue") not in kinds


def test_digest_once_a_day_after_the_hour():
    morning = datetime(2026, 3, 2, 6, 59)
    assert not digest.digest_due(morning, 7, None)
    assert digest.digest_due(morning.replace(hour=7), 7, None)
    assert digest.digest_due(morning.replace(hour=9), 7, date(2026, 3, 1))
    assert not digest.digest_due(morning.replace(hour=9), 7, date(2026, 3, 2))


def test_digest_counts_and_lines_carry_only_what_the_mail_shows():
    summary = {
        "id": 4,
        "delegate_name": "Ole",
        "delegate_email": "ole@aarhus.dk",
        "state": "submitted",
        "due_date": "2026-03-01",
        "overdue": True,
        "mail_failed": False,
    }
    row = digest.digest_row(summary, "IT-drift", "IT operations")
    assert "delegate_email" not in row and row["scope_name_en"] == "IT operations"
    assert digest.counts([row, {**row, "state": "in_progress", "mail_failed": True}]) == {
        "open": 2,
        "submitted": 1,
        "overdue": 2,
        "failed": 1,
    }
    assert digest.digest_key(3, date(2026, 3, 2)) == "digest:3:2026-03-02"
