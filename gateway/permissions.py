"""Who may do what inside their own municipality. Plain functions, easy to test.

coordinator: everything; respondent: read and answer everywhere; unit_lead: read everything,
answer only for their own unit and the units below it, never municipality-wide questions.
"""

from __future__ import annotations

from gateway.models import User
from services.common.unit_tree import subtree_ids


def can_manage_units(user: User) -> bool:
    return user.role == "coordinator"


def answerable_unit_ids(user: User, units: list[dict]) -> set[int]:
    """Units the user may answer for."""
    if user.role in ("coordinator", "respondent"):
        return {unit["id"] for unit in units}
    if user.role == "unit_lead" and user.unit_id is not None:
        known = {unit["id"] for unit in units}
        return subtree_ids(user.unit_id, units) & known
    return set()


def can_answer_municipality(user: User) -> bool:
    """Municipality-wide questions: not for a unit lead."""
    return user.role in ("coordinator", "respondent")


def can_answer(user: User, unit_id: int | None, units: list[dict]) -> bool:
    if unit_id is None:
        return can_answer_municipality(user)
    return unit_id in answerable_unit_ids(user, units)
