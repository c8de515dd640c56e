"""What the delegation replies show (``views``), without a database or a broker."""

from __future__ import annotations

from datetime import date, datetime

from services.delegation import views
from services.delegation.models import Delegation, Transition

TODAY = date(2026, 3, 10)
QUESTIONNAIRE = {
    "areas": [
        {
            "key": "governance",
            "title": {"da": "Ledelse"},
            "questions": [
                {"key": "governance.policy", "scope": "unit", "text": "Politik?"},
                {"key": "governance.owner", "scope": "unit", "text": "Ejer?"},
            ],
        },
        {
            "key": "technical",
            "title": {"da": "Teknik"},
            "questions": [{"key": "technical.backup", "scope": "unit", "text": "Backup?"}],
        },
    ]
}


def delegation(**overrides) -> Delegation:
    fields = {
        "id": 7,
        "municipality_id": 751,
        "year": 2026,
        "unit_id": 3,
        "unit_name": "IT-drift",
        "municipality_name": "Aarhus",
        "kind": "questions",
        "area_key": None,
        "question_keys": ["governance.policy", "technical.backup"],
        "delegate_name": "Ole Hansen",
        "delegate_email": "ole@aarhus.dk",
        "message": None,
        "due_date": date(2026, 3, 9),
        "state": "in_progress",
        "revision": 2,
        "review_comment": None,
        "delegator_name": "Mette Kjær",
        "replaces_id": None,
        "created_at": datetime(2026, 3, 1, 8, 0),
        "updated_at": datetime(2026, 3, 2, 8, 0),
        **overrides,
    }
    return Delegation(**fields)


def mail(state: str, to_addr: str = "ole@aarhus.dk", kind: str = "reminder", error=None) -> dict:
    return {"kind": kind, "to_addr": to_addr, "state": state, "last_error": error}


def test_summary_marks_only_the_delegates_mails():
    mails = [
        mail("failed", error="550 first"),
        mail("failed", error="550 latest"),
        mail("pending"),
        mail("failed", to_addr="mette@aarhus.dk", kind="submitted", error="to the delegator"),
        mail("pending", kind="submitted"),
    ]
    found = views.summary(delegation(), mails, TODAY, 14)
    assert found["mail_failed"] is True and found["mail_error"] == "550 latest"
    assert found["mail_pending"] == 1
    clean = views.summary(delegation(), mails[3:], TODAY, 14)
    assert clean["mail_failed"] is False and clean["mail_error"] is None


def test_summary_link_validity_and_overdue_follow_the_due_date():
    found = views.summary(delegation(), [], TODAY, 14)
    assert found["due_date"] == "2026-03-09" and found["link_valid_through"] == "2026-03-23"
    assert found["overdue"] is True and found["active"] is True
    assert found["created_at"] == "2026-03-01T08:00:00Z"
    submitted = views.summary(delegation(state="submitted"), [], TODAY, 14)
    assert submitted["overdue"] is False and submitted["active"] is True
    assert views.summary(delegation(state="approved"), [], TODAY, 14)["active"] is False


def test_overview_counts_every_state_but_maps_only_active_ones():
    rows = [
        views.summary(delegation(), [mail("failed")], TODAY, 14),
        views.summary(
            delegation(id=8, unit_id=None, unit_name=None, state="submitted"),
            [],
            TODAY,
            14,
        ),
        views.summary(delegation(id=9, state="approved"), [], TODAY, 14),
    ]
    found = views.overview(2026, rows)
    assert found["counts"]["approved"] == 1 and found["counts"]["submitted"] == 1
    assert found["open"] == 2 and found["awaiting_review"] == 1
    assert found["overdue"] == 1 and found["mail_failed"] == 1
    unit, municipality = found["targets"]
    assert unit["unit_id"] == 3 and sorted(unit["areas"]) == ["governance", "technical"]
    assert [c["delegation_id"] for c in unit["areas"]["governance"]] == [7]
    assert municipality["unit_id"] is None
    assert all(
        c["delegation_id"] != 9 for t in found["targets"] for a in t["areas"].values() for c in a
    )


def test_delegate_sees_only_the_delegated_questions_and_their_answers():
    answers = [
        {"question_key": "governance.policy", "unit_id": 3, "value": 2},
        {"question_key": "governance.owner", "unit_id": 3, "value": "Ida"},
        {"question_key": "technical.backup", "unit_id": 4, "value": "yes"},
    ]
    view = views.delegate_view(
        delegation(question_keys=["governance.policy", "technical.backup"]),
        QUESTIONNAIRE,
        answers,
        "open",
        TODAY,
        14,
    )
    shown = [q["key"] for area in view["areas"] for q in area["questions"]]
    assert shown == ["governance.policy", "technical.backup"]
    assert view["answers"] == [answers[0]]
    assert view["delegation"]["editable"] is True
    assert view["delegation"]["scope_name"] == {"da": "IT-drift", "en": "IT-drift"}


def test_delegate_view_hides_empty_areas_and_locks_outside_an_open_round_or_after_submit():
    only_policy = delegation(question_keys=["governance.policy"])
    view = views.delegate_view(only_policy, QUESTIONNAIRE, [], "open", TODAY, 14)
    assert [a["key"] for a in view["areas"]] == ["governance"]
    assert not views.delegate_view(only_policy, QUESTIONNAIRE, [], "closed", TODAY, 14)[
        "delegation"
    ]["editable"]
    submitted = delegation(state="submitted")
    assert not views.delegate_view(submitted, QUESTIONNAIRE, [], "open", TODAY, 14)["delegation"][
        "editable"
    ]


def test_scope_names_and_the_delegate_as_actor():
    assert views.scope_names(delegation(unit_id=None, unit_name=None)) == (
        "kommunen samlet",
        "the municipality as a whole",
    )
    assert views.scope_names(delegation(unit_name=None)) == ("enhed 3", "unit 3")
    actor = views.delegate_actor(delegation(delegate_name="O" * 200))
    assert actor["role"] == "delegate" and actor["user_id"] is None
    assert len(actor["name"]) == 120


def test_transitions_and_moments_as_the_replies_carry_them():
    moved = Transition(
        action="submit",
        from_state="in_progress",
        to_state="submitted",
        actor_name="Ole Hansen",
        actor_role="delegate",
        comment=None,
        at=datetime(2026, 3, 5, 9, 30),
    )
    assert views.transition_dict(moved)["at"] == "2026-03-05T09:30:00Z"
    assert views.iso(date(2026, 3, 5)) == "2026-03-05" and views.iso(None) is None
