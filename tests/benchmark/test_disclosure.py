"""Disclosure control: each rule on a worked example, and an attacker that must fail.

The attacker is any viewer: KL (knows nothing) or one municipality (knows its own value). It
knows every municipality's groups (regions and size classes are public) and who took part. It
reads the published figures exactly (no rounding) and tries two things:

* linear differencing: every set of municipalities whose sum, count and count at or above 3
  follows from the published figures by adding and subtracting them (found here by brute force
  over all subsets of atoms with a rank test, independently of the module's pivot search);
* quantiles: every multiset of answers 1-5 consistent with a published group's n, mean,
  median, quartiles and share.

It wins if either pins one other municipality's value: a derived set with one other member, or
one whose figures allow only the same value for every other member.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.benchmark import disclosure
from services.benchmark.statistics import summarize

REGIONS = ("A", "B", "C")
SIZES = ("s", "m", "l")


def groups_of(members: dict[int, tuple[str, str]]) -> dict[str, set[int]]:
    groups: dict[str, set[int]] = {"all": set(members)}
    for region in REGIONS:
        groups[f"region:{region}"] = {m for m, (r, _) in members.items() if r == region}
    for size in SIZES:
        groups[f"size:{size}"] = {m for m, (_, s) in members.items() if s == size}
    return groups


# --- the rules, one by one ----------------------------------------------------------------------


def test_thresholds():
    assert disclosure.MIN_OTHERS == 5
    assert disclosure.MIN_CONTRIBUTORS == 6
    assert not disclosure.safe([1, 2, 3, 4, 5])
    assert disclosure.safe([1, 2, 3, 4, 5, 1])


def test_uniform_groups_are_withheld_even_with_one_odd_member():
    assert disclosure.too_uniform([3] * 8)
    assert disclosure.too_uniform([3] * 7 + [1])  # the one with 1 would learn all the others
    assert not disclosure.too_uniform([3] * 6 + [1, 1])
    assert not disclosure.too_uniform([3] * 6 + [1, 5])
    assert disclosure.too_uniform([2.5000000001, 2.5, 2.5, 2.5, 2.5, 2.5])


def test_small_group_is_withheld_and_its_complement_too():
    # Region C has 3 municipalities: withheld. Publishing Denmark and A and B would give C's sum,
    # so the smaller of A and B is withheld as well.
    groups = {
        "all": set(range(20)),
        "A": set(range(10)),
        "B": set(range(10, 17)),
        "C": {17, 18, 19},
    }
    values = {m: float(1 + m % 5) for m in range(20)}
    assert disclosure.control(groups, values) == {"all", "A"}


def test_differencing_overlapping_groups_is_caught():
    # Size class S = region R2 plus one municipality (0): S - R2 would be that municipality.
    groups = {
        "all": set(range(30)),
        "R1": {0, *range(11, 30)},
        "R2": set(range(1, 11)),
        "S": set(range(0, 11)),
        "T": set(range(11, 30)),
    }
    values = {m: float(1 + (m * 7) % 5) for m in range(30)}
    published = disclosure.control(groups, values)
    for derivable in disclosure.derivable_sets(groups, published):
        assert len(derivable) >= 6
    assert not {"S", "R2"} <= published


def test_fixed_groups_stay_and_new_ones_are_checked_against_them():
    # A panel that differs from Denmark by one municipality would give away that one.
    groups = {"all": set(range(12)), "panel": set(range(11))}
    values = {m: float(1 + m % 4) for m in range(12)}
    assert disclosure.control(groups, values, fixed={"all"}) == set()
    bigger = {"all": set(range(20)), "panel": set(range(12))}
    values = {m: float(1 + m % 4) for m in range(20)}
    assert disclosure.control(bigger, values, fixed={"all"}) == {"panel"}


def test_members_without_a_value_do_not_count():
    groups = {"all": set(range(10))}
    values = {m: float(1 + m % 3) for m in range(5)}
    assert disclosure.control(groups, values) == set()


def test_derivable_sets_match_brute_force_on_the_real_shape():
    members = {m: (REGIONS[m % 3], SIZES[(m // 3) % 3]) for m in range(27)}
    groups = groups_of(members)
    published = ["all", "region:A", "region:B", "size:s"]
    found = {frozenset(s) for s in disclosure.derivable_sets(groups, published)}
    assert found == brute_force_derivable(groups, published)


# --- the attacker --------------------------------------------------------------------------------


def _rank(rows: list[list[int]]) -> int:
    matrix = [[Fraction(x) for x in row] for row in rows]
    rank, columns = 0, len(matrix[0]) if matrix else 0
    for column in range(columns):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][column]), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        for r in range(len(matrix)):
            if r != rank and matrix[r][column]:
                factor = matrix[r][column] / matrix[rank][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank], strict=True)]
        rank += 1
    return rank


def brute_force_derivable(groups: dict, published) -> set[frozenset[int]]:  # noqa: ANN001
    published = sorted(published)
    members = sorted(set().union(*(groups[g] for g in published))) if published else []
    signature: dict[tuple, set[int]] = {}
    for m in members:
        signature.setdefault(tuple(m in groups[g] for g in published), set()).add(m)
    atoms = list(signature.values())
    rows = [[1 if next(iter(atom)) in groups[g] else 0 for atom in atoms] for g in published]
    base = _rank(rows) if rows else 0
    found = set()
    for size in range(1, len(atoms) + 1):
        for chosen in itertools.combinations(range(len(atoms)), size):
            target = [1 if i in chosen else 0 for i in range(len(atoms))]
            if _rank([*rows, target]) == base:
                found.add(frozenset().union(*(atoms[i] for i in chosen)))
    return found


def forced_uniform_value(n: int, total: int, at_least_3: int) -> int | None:
    """The one value every member must have, given count, sum and count >= 3 of answers 1-5."""
    values = set()
    low = n - at_least_3
    for c2 in range(low + 1):
        c1 = low - c2
        low_sum = c1 + 2 * c2
        high_sum = total - low_sum
        for c5 in range(at_least_3 + 1):
            c4 = high_sum - 3 * at_least_3 - 2 * c5
            c3 = at_least_3 - c4 - c5
            if c4 < 0 or c3 < 0:
                continue
            counts = {1: c1, 2: c2, 3: c3, 4: c4, 5: c5}
            used = [v for v, c in counts.items() if c]
            if len(used) != 1:
                return None
            values.add(used[0])
    return values.pop() if len(values) == 1 else None


def quantile_multisets(figure: dict, acceptable: float = 3) -> list[list[int]]:
    """Every multiset of answers 1-5 with exactly the published figure."""
    n = figure["n"]
    total = round(figure["mean"] * n)
    found = []
    for counts in _compositions(n, 5):
        values = [v for v, c in zip(range(1, 6), counts, strict=True) for _ in range(c)]
        if sum(values) != total:
            continue
        again = summarize(values, acceptable)
        if all(
            abs(again[k] - figure[k]) < 1e-9 for k in ("median", "q1", "q3", "share_acceptable")
        ):
            found.append(values)
    return found


def _compositions(n: int, parts: int):  # noqa: ANN202
    if parts == 1:
        yield (n,)
        return
    for first in range(n + 1):
        for rest in _compositions(n - first, parts - 1):
            yield (first, *rest)


def attack(members: dict, values: dict, published: set[str], viewer: int | None) -> list[str]:
    """What the viewer can pin down; an empty list is a failed attack."""
    groups = groups_of(members)
    won = []
    own = values.get(viewer) if viewer is not None else None
    for derived in brute_force_derivable(
        {g: {m for m in groups[g] if m in values} for g in groups}, published
    ):
        others = [m for m in derived if m != viewer]
        if len(others) == 1:
            won.append(f"{others[0]} alone from a derived set {sorted(derived)}")
            continue
        figures = [values[m] for m in others]
        if all(float(v).is_integer() for v in figures):
            value = forced_uniform_value(
                len(figures), int(sum(figures)), sum(v >= 3 for v in figures)
            )
            if others and value is not None:
                won.append(f"all of {sorted(others)} are {value} (derived set)")
    for name in published:
        contributors = [m for m in groups[name] if m in values]
        figure = summarize([values[m] for m in contributors], 3)
        if not all(float(values[m]).is_integer() for m in contributors) or figure["n"] > 14:
            continue
        candidates = quantile_multisets(figure)
        leftovers = []
        for candidate in candidates:
            rest = list(candidate)
            if viewer in contributors:
                if own not in rest:
                    continue
                rest.remove(own)
            leftovers.append(set(rest))
        if leftovers and all(len(s) == 1 for s in leftovers) and len(set.union(*leftovers)) == 1:
            won.append(f"everybody else in {name} answered {leftovers[0]}")
    return won


def publish_everything(members: dict, values: dict) -> set[str]:
    return {g for g, ms in groups_of(members).items() if any(m in values for m in ms)}


def publish_primary_only(members: dict, values: dict) -> set[str]:
    groups = groups_of(members)
    return {
        g for g, ms in groups.items() if disclosure.safe([values[m] for m in ms if m in values])
    }


@st.composite
def universes(draw) -> tuple[dict, dict]:  # noqa: ANN001
    count = draw(st.integers(min_value=6, max_value=24))
    members = {
        m: (draw(st.sampled_from(REGIONS)), draw(st.sampled_from(SIZES))) for m in range(count)
    }
    values = {}
    for m in members:
        value = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=5)))
        if value is not None:
            values[m] = float(value)
    return members, values


@settings(max_examples=150, deadline=None)
@given(universes())
def test_no_viewer_can_reconstruct_a_municipality(universe: tuple[dict, dict]):
    members, values = universe
    published = disclosure.control(groups_of(members), values)
    for viewer in [None, *members]:
        assert attack(members, values, published, viewer) == [], (viewer, published)


@settings(max_examples=150, deadline=None)
@given(universes())
def test_published_figures_rest_on_six_varied_contributors(universe: tuple[dict, dict]):
    members, values = universe
    groups = groups_of(members)
    published = disclosure.control(groups, values)
    for name in published:
        figures = [values[m] for m in groups[name] if m in values]
        assert len(figures) >= 6
        assert not disclosure.too_uniform(figures)
    for derived in disclosure.derivable_sets(
        {g: {m for m in groups[g] if m in values} for g in groups}, published
    ):
        assert disclosure.safe([values[m] for m in derived])


@settings(max_examples=60, deadline=None)
@given(universes(), st.randoms(use_true_random=False))
def test_control_does_not_depend_on_order(universe: tuple[dict, dict], rnd):  # noqa: ANN001
    members, values = universe
    groups = groups_of(members)
    shuffled_groups = dict(rnd.sample(list(groups.items()), len(groups)))
    shuffled_values = dict(rnd.sample(list(values.items()), len(values)))
    assert disclosure.control(groups, values) == disclosure.control(
        shuffled_groups, shuffled_values
    )


# --- the attacker is not toothless ----------------------------------------------------------------


REAL_SHAPE = {m: (REGIONS[m % 3], SIZES[m % 2]) for m in range(20)}


def test_attacker_beats_publishing_everything():
    # Region C has one member, region B five: published as they are, KL reads C directly and
    # any member of B learns the rest of B from B's quartiles and mean.
    members = {m: ("A" if m < 14 else "B" if m < 19 else "C", SIZES[m % 2]) for m in range(20)}
    values = {m: float(1 + (m * 3) % 5) for m in range(20)}
    naive = publish_everything(members, values)
    assert any("19 alone" in w for w in attack(members, values, naive, None))
    controlled = disclosure.control(groups_of(members), values)
    assert "region:C" not in controlled and "region:B" not in controlled
    assert attack(members, values, controlled, None) == []


def test_attacker_beats_threshold_without_complementary_suppression():
    # Regions A and B are big, C has two members: C is withheld, but Denmark minus A minus B
    # is C's sum, and C's two members both answered 5.
    members = {m: ("A" if m < 8 else "B" if m < 16 else "C", "s") for m in range(18)}
    values = {m: float(1 + m % 4) for m in range(16)} | {16: 5.0, 17: 5.0}
    assert attack(members, values, publish_primary_only(members, values), None)
    assert attack(members, values, disclosure.control(groups_of(members), values), None) == []


def test_attacker_beats_a_uniform_group():
    members = {m: ("A", "s") for m in range(8)}
    values = {m: 3.0 for m in range(7)} | {7: 1.0}
    published = {"all", "region:A", "size:s"}
    wins = attack(members, values, published, viewer=7)
    assert any("answered {3}" in w for w in wins) or any("are 3" in w for w in wins)
    assert disclosure.control(groups_of(members), values) == set()


@pytest.mark.parametrize("viewer", [None, 0, 19])
def test_real_shape_is_safe_for_every_kind_of_viewer(viewer):
    values = {m: float(1 + (m * 3) % 5) for m in range(20)}
    published = disclosure.control(groups_of(REAL_SHAPE), values)
    assert published
    assert attack(REAL_SHAPE, values, published, viewer) == []
