"""Disclosure control: which benchmark figures may be published without exposing a municipality.

Pure: no nameko, no database. The attacker we design against is a *coalition*: up to
``coalition`` municipalities (2 unless ``BENCHMARK_DISCLOSURE_COALITION`` says otherwise) that
pool their own values, or KL, which has none. Everybody knows who belongs to which group (regions
and size classes are public) and who took part. The rules, in plain words:

1. **At least 5 others, besides any coalition.** A figure is published only when it is built
   from at least 5 municipalities outside any coalition (``min_others``). The same figures are
   shown to every viewer (a member of the group, a municipality outside it, KL), and a coalition
   may sit inside the group, so a figure needs at least 5 + ``coalition`` contributors (7 by
   default): then two members who subtract their own values still face the sum of 5 others. With
   6, two members of a six-member group would read the mean of the other four. One set of
   figures for everybody also means that two viewers cannot pool different views of the same
   group.

2. **No figure for a nearly uniform group.** If the members gave the same answer, the median or
   the mean *is* every member's answer. A figure is therefore withheld when all of its
   contributors but at most ``coalition`` have the same value: a coalition made of the odd ones
   out would otherwise learn everybody else's answer.

3. **Fixed peer groups.** Groups are all of Denmark, the five regions and the four size classes
   by population (``services.common.municipalities``). Nobody chooses a group, so nobody can
   line up two groups that differ by one municipality.

4. **Complementary suppression.** Counts, sums (n x mean) and counts at or above the acceptable
   level add up: the national figure minus the published regions gives the sum of the withheld
   region, and a size class minus a region can leave a handful of municipalities. So every set
   of municipalities whose sum can be *derived* from the published figures by adding and
   subtracting them must itself pass rules 1 and 2. Where one does not, one more figure is
   withheld (the smallest one that takes part in the derivation) until none does. A coalition
   adds its own values to what it can derive, but that only takes its own members out of a
   derived set, which rules 1 and 2 already allow for.

How rule 4 is checked. Municipalities that belong to exactly the same published groups are
indistinguishable to anyone reading the figures; they form an *atom*. A set can be derived when
its atom vector is a linear combination of the published groups' atom vectors. Those vectors
span a space of dimension r (at most the number of published groups, 10 for one year), and a
0/1 vector in that space is fixed by its values at the r pivot columns of the reduced row
echelon form, so trying the 2^r pivot patterns finds every derivable set exactly. The same
check covers the development panel of two years (``fixed`` groups that were published before
take part in the derivation but are not withdrawn again).

The rules are a value (``Rules``): the service builds them from its setting, and the tests
switch each one off in turn to show that the attacker then wins.

What the rules do not claim to stop: the quantiles of a published group may equal one member's
value without saying whose; combining an area's and its questions' exact means where a member
skipped a question is not audited (published figures are rounded, see ``statistics.rounded``).
Participation counts (who took part, who answered everything) are not answers and are not
controlled here; ``engine`` publishes them for groups of at least ``min_contributors`` members
(the decision is in docs/security.md).
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from fractions import Fraction

MIN_OTHERS = 5
COALITION = 2
_DIGITS = 9


@dataclass(frozen=True)
class Rules:
    """How strict the control is; the defaults are the policy.

    ``uniform`` (rule 2) and ``complementary`` (rule 4) exist to be switched off by the tests
    that prove each rule is needed; production always keeps both.
    """

    min_others: int = MIN_OTHERS
    coalition: int = COALITION
    uniform: bool = True
    complementary: bool = True

    def __post_init__(self) -> None:
        for name, least in (("min_others", 0), ("coalition", 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise ValueError(
                    f"{name} must be a whole number of at least {least}, got {value!r}"
                )

    @property
    def min_contributors(self) -> int:
        """Rule 1: enough contributors that a coalition inside the group still faces the others."""
        return self.min_others + self.coalition


DEFAULT = Rules()


def too_uniform(values: Collection[float], coalition: int = COALITION) -> bool:
    """All values but at most ``coalition`` are equal (rule 2)."""
    counts = _counts(values)
    return len(values) - max(counts.values(), default=0) <= coalition


def _counts(values: Collection[float]) -> dict[float, int]:
    counts: dict[float, int] = {}
    for value in values:
        key = round(float(value), _DIGITS)
        counts[key] = counts.get(key, 0) + 1
    return counts


def safe(values: Collection[float], rules: Rules = DEFAULT) -> bool:
    """Rules 1 and 2 for one set of contributors' values."""
    if len(values) < rules.min_contributors:
        return False
    return not (rules.uniform and too_uniform(values, rules.coalition))


def control(
    groups: Mapping[str, Collection[int]],
    values: Mapping[int, float],
    fixed: Collection[str] = (),
    rules: Rules = DEFAULT,
) -> set[str]:
    """The groups whose figure may be published, from ``values`` (municipality -> value).

    A group's contributors are its members that have a value. ``fixed`` names groups that
    are published already (e.g. a round's figures when its development panel is added): they
    count in derivations but are never withdrawn, and what they alone reveal was checked when
    they were published.
    """
    contributors = {
        name: frozenset(m for m in members if m in values) for name, members in groups.items()
    }
    fixed = {name for name in fixed if name in contributors}
    published = {
        name
        for name in groups
        if name not in fixed and safe([values[m] for m in contributors[name]], rules)
    }
    if not rules.complementary:
        return published
    atoms, membership = _atoms(contributors)
    stats = [_AtomStats([values[m] for m in atom], rules) for atom in atoms]
    while True:
        vectors = {name: membership[name] for name in sorted(published | fixed)}
        target = _unsafe_derivable(vectors, fixed, stats, rules)
        if target is None:
            return published
        needed = [
            name
            for name in sorted(published)
            if not _in_span([v for n, v in vectors.items() if n != name], target)
        ]
        if not needed:
            needed = [
                n
                for n in sorted(published)
                if any(a and b for a, b in zip(vectors[n], target, strict=True))
            ]
        published.discard(min(needed, key=lambda name: (len(contributors[name]), name)))


def derivable_sets(
    groups: Mapping[str, Collection[int]], published: Collection[str]
) -> list[frozenset[int]]:
    """Every non-empty set of members whose sum follows from the published groups' sums."""
    atoms, membership = _atoms({name: groups[name] for name in published})
    vectors = [membership[name] for name in sorted(published)]
    return [frozenset().union(*(atoms[i] for i in ones)) for ones in _zero_one_vectors(vectors)]


class _AtomStats:
    """What rules 1-2 need of a union of atoms: its size and, if nearly uniform, its counts."""

    def __init__(self, values: list[float], rules: Rules) -> None:
        self.size = len(values)
        # A set with more than ``coalition`` members off its most common value makes every
        # union containing it varied enough too, so only nearly uniform atoms keep their counts.
        self.counts: dict[float, int] | None = None
        if too_uniform(values, rules.coalition):
            self.counts = _counts(values)


def _union_safe(parts: list[_AtomStats], rules: Rules) -> bool:
    if sum(part.size for part in parts) < rules.min_contributors:
        return False
    if not rules.uniform:
        return True
    merged: dict[float, int] = {}
    for part in parts:
        if part.counts is None:
            return True
        for key, count in part.counts.items():
            merged[key] = merged.get(key, 0) + count
    total = sum(merged.values())
    return total - max(merged.values(), default=0) > rules.coalition


def _atoms(
    contributors: Mapping[str, Collection[int]],
) -> tuple[list[frozenset[int]], dict[str, list[int]]]:
    """Members grouped by the groups they are in, and each group as a 0/1 vector over atoms."""
    names = sorted(contributors)
    in_groups: dict[int, list[str]] = {}
    for name in names:
        for member in contributors[name]:
            in_groups.setdefault(member, []).append(name)
    by_signature: dict[tuple[str, ...], list[int]] = {}
    for member, found in in_groups.items():
        by_signature.setdefault(tuple(found), []).append(member)
    keys = sorted(by_signature)
    atoms = [frozenset(by_signature[key]) for key in keys]
    membership = {name: [1 if name in key else 0 for key in keys] for name in names}
    return atoms, membership


def _unsafe_derivable(
    vectors: Mapping[str, list[int]], fixed: set[str], stats: list[_AtomStats], rules: Rules
) -> list[int] | None:
    """A derivable set breaking rules 1-2 that a withdrawable group takes part in, if any."""
    fixed_vectors = [vectors[name] for name in fixed if name in vectors]
    for ones in _zero_one_vectors(list(vectors.values())):
        if _union_safe([stats[i] for i in ones], rules):
            continue
        target = [1 if i in ones else 0 for i in range(len(stats))]
        if fixed_vectors and _in_span(fixed_vectors, target):
            continue
        return target
    return None


def _rref(rows: list[list[int]]) -> tuple[list[list[Fraction]], list[int]]:
    """Reduced row echelon form over the rationals, and the pivot columns."""
    matrix = [[Fraction(x) for x in row] for row in rows]
    width = len(matrix[0]) if matrix else 0
    pivots: list[int] = []
    rank = 0
    for column in range(width):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][column] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        lead = matrix[rank][column]
        matrix[rank] = [x / lead for x in matrix[rank]]
        for r in range(len(matrix)):
            if r != rank and matrix[r][column] != 0:
                factor = matrix[r][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank], strict=True)]
        pivots.append(column)
        rank += 1
        if rank == len(matrix):
            break
    return matrix[:rank], pivots


def _rank(rows: list[list[int]]) -> int:
    return len(_rref(rows)[1]) if rows else 0


def _in_span(rows: list[list[int]], target: list[int]) -> bool:
    if not rows:
        return not any(target)
    return _rank(rows) == _rank([*rows, target])


def _zero_one_vectors(rows: list[list[int]]) -> tuple[frozenset[int], ...]:
    """The non-zero 0/1 vectors in the span of ``rows``, as sets of the columns that are 1.

    A vector of the span equals the sum of the echelon rows weighted by its own values at the
    pivot columns; a 0/1 vector has 0 or 1 there, so 2^rank sums (walked in Gray-code order,
    one row added or removed per step) find them all. The metrics of a round mostly share one
    group structure, so the answer is cached by the rows.
    """
    return _zero_one_vectors_of(tuple(tuple(row) for row in rows))


@functools.lru_cache(maxsize=256)
def _zero_one_vectors_of(rows: tuple[tuple[int, ...], ...]) -> tuple[frozenset[int], ...]:
    if not rows or not rows[0]:
        return ()
    echelon, _ = _rref([list(row) for row in rows])
    as_float = [[float(x) for x in row] for row in echelon]
    width = len(rows[0])
    current = [0.0] * width
    found = []
    for step in range(1, 2 ** len(as_float)):
        flipped = (step & -step).bit_length() - 1
        sign = 1.0 if (step ^ (step >> 1)) >> flipped & 1 else -1.0
        row = as_float[flipped]
        for column in range(width):
            current[column] += sign * row[column]
        if all(abs(x) < 1e-6 or abs(x - 1.0) < 1e-6 for x in current):
            found.append(frozenset(c for c, x in enumerate(current) if abs(x - 1.0) < 1e-6))
    return tuple(found)
