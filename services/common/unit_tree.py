"""The organisational tree as every component sees it: a unit and what lies below it."""

from __future__ import annotations


def subtree_ids(unit_id: int, units: list[dict]) -> set[int]:
    """The unit and every unit below it: a unit lead answers and delegates for all of it."""
    found = {unit_id}
    grew = True
    while grew:
        grew = False
        for unit in units:
            if unit.get("parent_id") in found and unit["id"] not in found:
                found.add(unit["id"])
                grew = True
    return found
