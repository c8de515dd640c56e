from services.common.unit_tree import subtree_ids

UNITS = [
    {"id": 1, "parent_id": None},
    {"id": 2, "parent_id": 1},
    {"id": 3, "parent_id": 1},
    {"id": 4, "parent_id": None},
    {"id": 5, "parent_id": 2},
]


def test_a_unit_and_everything_below_it():
    assert subtree_ids(1, UNITS) == {1, 2, 3, 5}
    assert subtree_ids(2, UNITS) == {2, 5}
    assert subtree_ids(4, UNITS) == {4}
