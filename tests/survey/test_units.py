"""The organisational tree: forvaltninger at the top, afdelinger under them, unique names."""

import pytest

from services.survey.units import UnitRuleBroken, check_name_free, check_placement

UNITS = {
    1: {"id": 1, "kind": "forvaltning", "name": "Teknik og Miljø", "parent_id": None},
    2: {"id": 2, "kind": "afdeling", "name": "IT-drift", "parent_id": 1},
}


def refused(call, *args, **kwargs) -> UnitRuleBroken:  # noqa: ANN001
    with pytest.raises(UnitRuleBroken) as caught:
        call(*args, **kwargs)
    return caught.value


def test_allowed_placements():
    check_placement("forvaltning", None, UNITS)
    check_placement("afdeling", 1, UNITS)
    check_placement("afdeling", 1, UNITS, unit_id=2)


@pytest.mark.parametrize(
    ("kind", "parent_id", "unit_id", "phrase"),
    [
        ("forvaltning", 1, None, "at the top and has no parent"),
        ("afdeling", None, None, "needs a forvaltning as parent"),
        ("afdeling", 99, None, "unknown unit 99"),
        ("afdeling", 2, None, "the parent must be a forvaltning"),
        ("afdeling", 1, 1, "cannot be its own parent"),
    ],
)
def test_refused_placements_name_parent_id(kind, parent_id, unit_id, phrase):
    error = refused(check_placement, kind, parent_id, UNITS, unit_id=unit_id)
    assert error.field == "parent_id"
    assert phrase in error.problem


def test_names_are_unique_among_siblings_ignoring_case():
    siblings = list(UNITS.values())
    error = refused(check_name_free, "it-DRIFT", 1, siblings)
    assert error.field == "name"
    assert "'it-DRIFT'" in error.problem
    check_name_free("IT-drift", None, siblings)
    check_name_free("IT-drift", 1, siblings, unit_id=2)
    check_name_free("Borgerservice", 1, siblings)
