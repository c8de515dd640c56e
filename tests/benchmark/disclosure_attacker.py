"""The disclosure attacker and the universes it attacks, for ``test_disclosure``.

The attacker is KL (knows nothing) or a coalition of up to two municipalities that pool their
own values. It knows every municipality's groups (regions and size classes are public) and who
took part, reads the published figures exactly (no rounding) and tries two things:

* linear differencing: every set of municipalities whose sum, count and count at or above 3
  follows from the published figures by adding and subtracting them, found by brute force over
  all subsets of atoms with a rank test (independent of the module's pivot search); the
  coalition then takes out its own members of the set;
* quantiles: every multiset of answers 1-5 consistent with a published group's n, mean,
  median, quartiles and share, less the coalition's own answers.

It wins if it learns the sum of fewer than 5 municipalities outside the coalition (the policy:
every figure rests on at least 5 others), or pins the value of municipalities outside it: the
figures allow only the same value for every other member of a derived set or group.

The generated universes have three regions and three size classes, some scaled down to a few
members, a value for most members, and values that are sometimes nearly all the same: two thirds
publish three or more overlapping groups, half of them withhold others as well. Hypothesis
runs derandomized, so CI tests the same examples every time.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Callable
from fractions import Fraction

from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from services.benchmark.statistics import summarize

REGIONS = ("A", "B", "C")
SIZES = ("s", "m", "l")
OTHERS = 5  # the policy, written out here rather than read from the module under test
COALITION = 2
EXAMPLES = settings(
    max_examples=60, derandomize=True, deadline=None, database=None, phases=[Phase.generate]
)


def groups_of(members: dict[int, tuple[str, str]]) -> dict[str, set[int]]:
    groups: dict[str, set[int]] = {"all": set(members)}
    for region in REGIONS:
        groups[f"region:{region}"] = {m for m, (r, _) in members.items() if r == region}
    for size in SIZES:
        groups[f"size:{size}"] = {m for m, (_, s) in members.items() if s == size}
    return groups


def contributors_of(members: dict, values: dict) -> dict[str, set[int]]:
    return {g: {m for m in ms if m in values} for g, ms in groups_of(members).items()}


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
    """Every union of atoms whose vector the published groups' vectors span (rank test)."""
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
    for used in _counts_1_to_5(n, total, at_least_3):
        present = [v for v, c in used.items() if c]
        if len(present) != 1:
            return None
        values.add(present[0])
    return values.pop() if len(values) == 1 else None


def _counts_1_to_5(n: int, total: int, at_least_3: int):  # noqa: ANN202
    """Every way to give n answers 1-5 the sum ``total`` with ``at_least_3`` of them >= 3."""
    low = n - at_least_3
    for c2 in range(low + 1):
        c1 = low - c2
        for c5 in range(at_least_3 + 1):
            c4 = total - (c1 + 2 * c2) - 3 * at_least_3 - 2 * c5
            c3 = at_least_3 - c4 - c5
            if c4 >= 0 and c3 >= 0:
                yield {1: c1, 2: c2, 3: c3, 4: c4, 5: c5}


def quantile_multisets(figure: dict, acceptable: float = 3) -> list[Counter]:
    """Every multiset of answers 1-5 with exactly the published figure."""
    n = figure["n"]
    found = []
    for counts in _counts_1_to_5(
        n, round(figure["mean"] * n), round(figure["share_acceptable"] * n)
    ):
        values = [v for v, c in counts.items() for _ in range(c)]
        again = summarize(values, acceptable)
        if all(abs(again[k] - figure[k]) < 1e-9 for k in ("median", "q1", "q3")):
            found.append(Counter(counts))
    return found


def _difference_attack(derived: frozenset[int], values: dict, coalition: int) -> list[str]:
    inside = min(coalition, len(derived) - 1)  # the coalition's members that help most
    if len(derived) - inside < OTHERS:
        others = len(derived) - inside
        return [f"the sum of {others} other(s) in {sorted(derived)}, {inside} of the set pooling"]
    if not all(float(values[m]).is_integer() for m in derived):
        return []
    for value, count in Counter(int(values[m]) for m in derived).items():
        # The coalition is made of the odd ones out and reads the rest from count and sum.
        odd_ones_out = len(derived) - count
        pinned = forced_uniform_value(count, value * count, count if value >= 3 else 0)
        if odd_ones_out <= coalition and pinned == value:
            return [f"all of {sorted(derived)} but {len(derived) - count} are {value}"]
    return []


def _quantile_attack(name: str, contributors: set[int], values: dict, coalition: int) -> list[str]:
    answers = [values[m] for m in contributors]
    if not all(float(v).is_integer() for v in answers) or len(answers) > 16:
        return []
    candidates = quantile_multisets(summarize(answers, 3))
    won = []
    for size in range(min(coalition, len(answers) - 1) + 1):
        for own in set(itertools.combinations(sorted(int(v) for v in answers), size)):
            mine = Counter(own)
            rests = [c - mine for c in candidates if all(c[v] >= k for v, k in mine.items())]
            if rests and all(len(r) == 1 for r in rests) and len({*map(frozenset, rests)}) == 1:
                won.append(
                    f"everybody but a coalition with {own} in {name} answered {set(rests[0])}"
                )
    return won


def attack(
    members: dict, values: dict, published: set[str], coalition: int = COALITION
) -> list[str]:
    """What KL or the best coalition of up to ``coalition`` members learns; empty = it failed."""
    groups = contributors_of(members, values)
    won = []
    for derived in brute_force_derivable(groups, published):
        won += _difference_attack(derived, values, coalition)
    for name in sorted(published):
        won += _quantile_attack(name, groups[name], values, coalition)
    return won


@st.composite
def universes(draw) -> tuple[dict, dict]:  # noqa: ANN001
    """Three regions x three size classes; some regions and sizes are scaled down to a few members.

    Hypothesis draws the seed; the shape comes from ``random.Random`` because hypothesis's own
    integers favour the smallest values, which gave empty or tiny universes.
    """
    rng = random.Random(draw(st.integers(min_value=0, max_value=2**32 - 1)))
    scale = {name: rng.choice((0.3, 0.6, 1.0, 1.0, 1.0, 1.6)) for name in REGIONS + SIZES}
    members = {}
    for region in REGIONS:
        for size in SIZES:
            for _ in range(round(rng.uniform(2, 7) * scale[region] * scale[size])):
                members[len(members)] = (region, size)
    common = rng.randint(1, 5)
    spread = rng.choice((0.1, 0.3, 0.5, 1.0, 1.0, 1.0, 1.0))  # share off ``common``
    missing = rng.choice((0.0, 0.05, 0.15))  # members without a value (skipped the question)
    values = {}
    for m in members:
        if rng.random() < missing:
            continue
        values[m] = float(rng.randint(1, 5) if rng.random() < spread else common)
    return members, values


def each_universe(visit: Callable[[dict, dict], None]) -> None:
    """Run ``visit(members, values)`` on the generated universes.

    One inner test function for every caller: derandomized hypothesis seeds by the function,
    so the property, the mutation check and the shape check all see the same examples.
    """

    @EXAMPLES
    @given(universes())
    def run(universe: tuple[dict, dict]) -> None:
        visit(*universe)

    run()
