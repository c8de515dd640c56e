"""Rules for the organisational tree: forvaltninger at the top, afdelinger under them."""

from __future__ import annotations

KINDS = ("forvaltning", "afdeling")


class UnitRuleBroken(ValueError):
    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def check_placement(
    kind: str, parent_id: int | None, units_by_id: dict[int, dict], unit_id: int | None = None
) -> None:
    """A forvaltning has no parent; an afdeling sits under a forvaltning of the municipality."""
    if kind == "forvaltning":
        if parent_id is not None:
            raise UnitRuleBroken("parent_id", "a forvaltning is at the top and has no parent")
        return
    if parent_id is None:
        raise UnitRuleBroken("parent_id", "an afdeling needs a forvaltning as parent")
    parent = units_by_id.get(parent_id)
    if parent is None:
        raise UnitRuleBroken("parent_id", f"unknown unit {parent_id}")
    if parent_id == unit_id:
        raise UnitRuleBroken("parent_id", "a unit cannot be its own parent")
    if parent["kind"] != "forvaltning":
        raise UnitRuleBroken("parent_id", "the parent must be a forvaltning")


def check_name_free(name: str, parent_id: int | None, siblings: list[dict], unit_id=None) -> None:  # noqa: ANN001
    for other in siblings:
        same = other["name"].casefold() == name.casefold() and other["parent_id"] == parent_id
        if same and other["id"] != unit_id:
            raise UnitRuleBroken("name", f"there is already a unit named {name!r} here")
