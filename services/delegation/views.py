"""What the delegation pages and the delegate's page show, shaped from the stored rows.

Pure: no database, no RPC; the service reads the delegation, its mails and survey's
questionnaire and answers, and these functions decide every field of the replies. In plain words:

* a delegation's mail marks count only the mails to its delegate (the "submitted" mail goes to
  the delegator): it shows a mail problem when one of them failed (with the latest error) and how
  many still wait;
* a link works through the due date plus the grace days; a delegation is overdue only while the
  delegate still has to act and the due date has passed;
* the overview counts every delegation by state but maps only the active ones, per target (the
  municipality as unit 0, or a unit) and focus area;
* the delegate sees only the delegated questions, in questionnaire order, and only the answers
  to them for the delegation's unit; the form is editable only while the delegate still has to
  act and the round is open.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from services.common.questionnaire import questions_by_key
from services.delegation import states, tokens
from services.delegation.models import Delegation, Transition


def iso(moment: datetime | date | None) -> str | None:
    """A stored (naive UTC) moment with a Z, a date as it is; as the RPC replies carry them."""
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return moment.isoformat() + "Z"
    return moment.isoformat()


def scope_names(delegation: Delegation) -> tuple[str, str]:
    """What the delegation is for, in Danish and English."""
    if delegation.unit_id is None:
        return "kommunen samlet", "the municipality as a whole"
    name = delegation.unit_name or f"enhed {delegation.unit_id}"
    return name, delegation.unit_name or f"unit {delegation.unit_id}"


def delegate_actor(delegation: Delegation) -> dict:
    """How survey's answer history names a delegate: the person, with their address."""
    label = f"{delegation.delegate_name} ({delegation.delegate_email})"
    return {"user_id": None, "name": label[:120], "role": "delegate"}


def summary(d: Delegation, mails: list[dict], today: date, grace_days: int) -> dict:
    """One delegation as the coordinator's list, detail and digest show it."""
    to_delegate = [
        m for m in mails if m["to_addr"] == d.delegate_email and m["kind"] != "submitted"
    ]
    failed = [m for m in to_delegate if m["state"] == "failed"]
    return {
        "id": d.id,
        "year": d.year,
        "unit_id": d.unit_id,
        "unit_name": d.unit_name,
        "kind": d.kind,
        "area_key": d.area_key,
        "question_keys": list(d.question_keys),
        "delegate_name": d.delegate_name,
        "delegate_email": d.delegate_email,
        "message": d.message,
        "due_date": iso(d.due_date),
        "expires_at": iso(tokens.expires_at(d.due_date, grace_days)),
        "link_valid_through": iso(d.due_date + timedelta(days=grace_days)),
        "state": d.state,
        "active": states.is_active(d.state),
        "overdue": states.is_overdue(d.state, d.due_date, today),
        "review_comment": d.review_comment,
        "delegator_name": d.delegator_name,
        "replaces_id": d.replaces_id,
        "revision": d.revision,
        "created_at": iso(d.created_at),
        "updated_at": iso(d.updated_at),
        "mail_failed": bool(failed),
        "mail_error": failed[-1]["last_error"] if failed else None,
        "mail_pending": sum(m["state"] == "pending" for m in to_delegate),
    }


def transition_dict(t: Transition) -> dict:
    return {
        "action": t.action,
        "from_state": t.from_state,
        "to_state": t.to_state,
        "actor_name": t.actor_name,
        "actor_role": t.actor_role,
        "comment": t.comment,
        "at": iso(t.at),
    }


def overview(year: int, delegations: list[dict]) -> dict:
    """Per target (municipality or unit) and area: delegated questions, to whom, state."""
    active = [d for d in delegations if d["active"]]
    counts = {s: sum(d["state"] == s for d in delegations) for s in states.STATES}
    by_target: dict[str, dict] = {}
    for d in active:
        target = by_target.setdefault(
            str(d["unit_id"] or 0),
            {"unit_id": d["unit_id"], "unit_name": d["unit_name"], "areas": {}},
        )
        for key in d["question_keys"]:
            area = target["areas"].setdefault(key.split(".", 1)[0], [])
            area.append(
                {
                    "question_key": key,
                    "delegation_id": d["id"],
                    "delegate_name": d["delegate_name"],
                    "state": d["state"],
                    "overdue": d["overdue"],
                    "due_date": d["due_date"],
                    "mail_failed": d["mail_failed"],
                }
            )
    return {
        "year": year,
        "counts": counts,
        "open": len(active),
        "overdue": sum(d["overdue"] for d in active),
        "awaiting_review": counts["submitted"],
        "mail_failed": sum(d["mail_failed"] for d in active),
        "targets": list(by_target.values()),
    }


def delegate_view(
    d: Delegation,
    questionnaire: dict,
    answers: list[dict],
    round_state: str | None,
    today: date,
    grace_days: int,
) -> dict:
    """The delegate's page: only the delegated questions and the answers to them."""
    known = questions_by_key(questionnaire)
    wanted = set(d.question_keys)
    areas = [
        {
            "key": area["key"],
            "title": area["title"],
            "questions": [known[q["key"]] for q in area["questions"] if q["key"] in wanted],
        }
        for area in questionnaire["areas"]
    ]
    da_name, en_name = scope_names(d)
    return {
        "delegation": {
            "municipality_id": d.municipality_id,
            "year": d.year,
            "unit_id": d.unit_id,
            "scope_name": {"da": da_name, "en": en_name},
            "municipality_name": d.municipality_name,
            "delegate_name": d.delegate_name,
            "delegator_name": d.delegator_name,
            "message": d.message,
            "due_date": iso(d.due_date),
            "expires_at": iso(tokens.expires_at(d.due_date, grace_days)),
            "link_valid_through": iso(d.due_date + timedelta(days=grace_days)),
            "state": d.state,
            "overdue": states.is_overdue(d.state, d.due_date, today),
            "editable": d.state in states.EDITABLE and round_state == "open",
            "review_comment": d.review_comment,
            "question_keys": list(d.question_keys),
        },
        "areas": [a for a in areas if a["questions"]],
        "answers": [
            a for a in answers if a["question_key"] in wanted and a["unit_id"] == d.unit_id
        ],
    }
