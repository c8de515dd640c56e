"""The distribution of one figure over municipalities, and where one municipality stands in it.

Pure: no nameko, no database. What is computed for a group of municipalities:

* ``n``: how many municipalities the figure is built from;
* ``mean``: the plain average (every municipality counts once, whatever its size);
* ``median``, ``q1``, ``q3``: the 50 %, 25 % and 75 % quantiles, by linear interpolation
  between the sorted values (the "inclusive" method, as spreadsheets' PERCENTILE.INC and
  numpy's default), so that they are defined for every n >= 1;
* ``share_acceptable``: the share of municipalities at or above the acceptable level (3).

A municipality's position is shown as a band, never a rank: below the lower quartile is the
lowest quarter, above the upper quartile the highest quarter, and between them the lower or
upper middle split at the median.

Whether a figure may be shown at all is decided by ``disclosure``, not here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

BANDS = ("lowest", "lower_middle", "upper_middle", "highest")


def quantile(ordered: list[float], p: float) -> float:
    """The p-quantile (0..1) of already sorted values, linear between neighbours."""
    if not ordered:
        raise ValueError("no values")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be within 0..1, got {p}")
    position = (len(ordered) - 1) * p
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (position - low) * (ordered[high] - ordered[low])


def summarize(values: Iterable[float], acceptable: float) -> dict:
    """n, mean, median, quartiles and the share at or above ``acceptable``."""
    ordered = sorted(float(v) for v in values)
    if not ordered:
        raise ValueError("no values")
    n = len(ordered)
    mean = math.fsum(ordered) / n
    return {
        "n": n,
        "mean": min(max(mean, ordered[0]), ordered[-1]),
        "median": quantile(ordered, 0.5),
        "q1": quantile(ordered, 0.25),
        "q3": quantile(ordered, 0.75),
        "share_acceptable": sum(v >= acceptable for v in ordered) / n,
    }


def band(value: float | None, summary: dict | None) -> str | None:
    """Which quarter of the group ``value`` falls in; None without a value or a figure."""
    if value is None or summary is None:
        return None
    if value < summary["q1"]:
        return "lowest"
    if value < summary["median"]:
        return "lower_middle"
    if value <= summary["q3"]:
        return "upper_middle"
    return "highest"


def rounded(summary: dict, preliminary: bool) -> dict:
    """The figure as published.

    Final figures keep two decimals. Preliminary figures change while a round is open, so
    two of them could be subtracted to see what one municipality added in between: they are
    published coarsely (n down to a multiple of 5, one decimal, shares in steps of 5 %), which
    leaves a difference of two snapshots too blurred to give one municipality's value.
    """
    if not preliminary:
        return {
            "n": summary["n"],
            "mean": round(summary["mean"], 2),
            "median": round(summary["median"], 2),
            "q1": round(summary["q1"], 2),
            "q3": round(summary["q3"], 2),
            "share_acceptable": round(summary["share_acceptable"], 3),
            "approximate": False,
        }
    return {
        "n": summary["n"] - summary["n"] % 5,
        "mean": round(summary["mean"], 1),
        "median": round(summary["median"], 1),
        "q1": round(summary["q1"], 1),
        "q3": round(summary["q3"], 1),
        "share_acceptable": round(round(summary["share_acceptable"] * 20) / 20, 2),
        "approximate": True,
    }
