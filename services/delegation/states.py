"""The delegation's life as a state machine, with who may move it and why a move is refused.

assigned → in_progress → submitted → approved, or submitted → sent_back → in_progress (or
straight to submitted again). Any open delegation can be revoked. Plain Python: the service
records every accepted transition with its actor and time.
"""

from __future__ import annotations

from datetime import date

STATES = ("assigned", "in_progress", "submitted", "sent_back", "approved", "revoked")
ACTIVE = frozenset({"assigned", "in_progress", "submitted", "sent_back"})
EDITABLE = frozenset({"assigned", "in_progress", "sent_back"})
REVIEWERS = frozenset({"coordinator", "unit_lead"})

# action -> (states it may start from, resulting state, roles that may take it)
ACTIONS: dict[str, tuple[frozenset[str], str, frozenset[str]]] = {
    "start": (frozenset({"assigned", "sent_back"}), "in_progress", frozenset({"delegate"})),
    "submit": (EDITABLE, "submitted", frozenset({"delegate"})),
    "approve": (frozenset({"submitted"}), "approved", REVIEWERS),
    "send_back": (frozenset({"submitted"}), "sent_back", REVIEWERS),
    "revoke": (ACTIVE, "revoked", REVIEWERS),
    "extend": (EDITABLE, "", REVIEWERS),
    "redelegate": (ACTIVE, "revoked", REVIEWERS),
}

EVENT_OF_STATE = {
    "assigned": "delegation_created",
    "submitted": "delegation_submitted",
    "approved": "delegation_approved",
    "sent_back": "delegation_sent_back",
    "revoked": "delegation_revoked",
}


class TransitionRefused(ValueError):
    """The move is not allowed from this state or for this role; the text says why."""


def is_active(state: str) -> bool:
    return state in ACTIVE


def next_state(state: str, action: str, role: str) -> str:
    """The state after ``action``; ``extend`` keeps the state (returned unchanged)."""
    if action not in ACTIONS:
        raise TransitionRefused(f"unknown action {action!r}")
    sources, target, roles = ACTIONS[action]
    if role not in roles:
        raise TransitionRefused(f"a {role} cannot {action.replace('_', ' ')} a delegation")
    if state not in sources:
        raise TransitionRefused(f"a delegation that is {state} cannot be {_past(action)}")
    return target or state


def _past(action: str) -> str:
    return {
        "start": "started",
        "submit": "submitted",
        "approve": "approved",
        "send_back": "sent back",
        "revoke": "revoked",
        "extend": "extended",
        "redelegate": "re-delegated",
    }[action]


def is_overdue(state: str, due_date: date, today: date) -> bool:
    """Overdue while the delegate still has to act and the due date has passed."""
    return state in EDITABLE and today > due_date
