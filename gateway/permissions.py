"""Who may do what inside their own municipality. Plain functions, easy to test.

coordinator: everything; respondent: read and answer everywhere; unit_lead: read everything,
answer only for their own unit and the units below it, never municipality-wide questions.
"""

from __future__ import annotations

from gateway.models import User
from services.common.unit_tree import subtree_ids


def can_manage_units(user: User) -> bool:
    return user.role == "coordinator"


def can_answer(user: User, unit_id: int | None, units: list[dict]) -> bool:
    """May ``user`` answer for this unit (None: the municipality-wide questions)? Whether the
    unit exists in the municipality is not a question of role: survey refuses an unknown one."""
    if user.role in ("coordinator", "respondent"):
        return True
    if user.role != "unit_lead" or unit_id is None or user.unit_id is None:
        return False
    known = {unit["id"] for unit in units}
    return unit_id in subtree_ids(user.unit_id, units) & known
