"""Whether a framework reference exists, and why not when it does not.

The lists themselves are data in ``frameworks.py``; a reference passes only if it is spelled
exactly as there, so "7.99", "5.0", a bare control "14", "A.5.01", "A.5.38" and "21(2)(k)" are
refused. The message names the range the author most likely meant, since a miss is a typing
error in the questionnaire file. ``citation_year_problem`` is the year rule: a framework is
cited only from the first yearly round after it was published.

Pure module: the standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from services.survey import frameworks as fw

REFERENCE_KINDS = ("iso27001", "nis2", "cis")

ISO_ANNEX_A = frozenset(fw.ISO_ANNEX_A)
_ISO_CLAUSES = frozenset(fw.ISO_CLAUSES)
_NIS2 = frozenset(fw.NIS2_REFERENCES)
_CIS = frozenset(fw.CIS_SAFEGUARDS)

_ISO_ANNEX_SHAPE = re.compile(r"^A\.(\d+)\.(\d+)$")
_NIS2_SHAPE = re.compile(r"^(\d+)(?:\((\d+)\)(?:\(([a-z])\))?)?$")
_CIS_SHAPE = re.compile(r"^(\d+)(?:\.(\d+))?$")


def reference_problem(kind: str, ref: str) -> str | None:
    """Why ``ref`` is not a real reference of ``kind`` (one of REFERENCE_KINDS), or None."""
    return _CHECKS[kind](ref)


def citation_year_problem(kind: str, year: int) -> str | None:
    """Why a questionnaire whose references date from ``year`` cannot cite ``kind``, or None."""
    first = fw.FIRST_CITABLE_YEAR[kind]
    if year >= first:
        return None
    return (
        f"{fw.FRAMEWORK_NAMES[kind]} was published in {fw.PUBLISHED[kind]}, so a {year} "
        f"questionnaire cannot cite it (from {first} on); if the mapping was added later, "
        "say so with references_added_afterwards"
    )


def _check_iso(ref: str) -> str | None:
    if ref in ISO_ANNEX_A or ref in _ISO_CLAUSES:
        return None
    match = _ISO_ANNEX_SHAPE.match(ref)
    if match and int(match.group(1)) in fw.ISO_ANNEX_A_THEME_SIZES:
        theme = int(match.group(1))
        size = fw.ISO_ANNEX_A_THEME_SIZES[theme]
        return (
            f"{ref!r} does not exist: Annex A theme {theme} of ISO/IEC 27001:2022 runs from "
            f"A.{theme}.1 to A.{theme}.{size} (written without leading zeros)"
        )
    return (
        f"{ref!r} is not an ISO/IEC 27001:2022 Annex A control like 'A.5.15' (A.5.1-A.5.37, "
        "A.6.1-A.6.8, A.7.1-A.7.14, A.8.1-A.8.34) nor a clause 4 to 10 like '6.1.2'"
    )


def _check_nis2(ref: str) -> str | None:
    if ref in _NIS2:
        return None
    match = _NIS2_SHAPE.match(ref)
    if not match:
        return (
            f"{ref!r} is not a NIS2 reference like '21(2)(a)', '23(4)(b)', '20(1)' or '23' "
            "(article, paragraph and letter, without 'Art.')"
        )
    article = int(match.group(1))
    if not 1 <= article <= fw.NIS2_ARTICLES:
        return f"{ref!r} does not exist: NIS2 has articles 1 to {fw.NIS2_ARTICLES}"
    paragraphs = fw.NIS2_PARAGRAPHS.get(article)
    if not paragraphs:
        return f"{ref!r}: NIS2 article {article} is cited as a whole ('{article}')"
    citable = ", ".join(
        f"{article}({paragraph})" + (f"({letters[0]})-({letters[-1]})" if letters else "")
        for paragraph, letters in paragraphs.items()
    )
    return f"{ref!r} does not exist in NIS2 article {article}; cite '{article}' or {citable}"


def _check_cis(ref: str) -> str | None:
    if ref in _CIS:
        return None
    match = _CIS_SHAPE.match(ref)
    if not match:
        return f"{ref!r} is not a CIS Controls v8 safeguard like '14.1'"
    control = int(match.group(1))
    count = fw.CIS_SAFEGUARD_COUNTS.get(control)
    if count is None:
        last = len(fw.CIS_SAFEGUARD_COUNTS)
        return f"{ref!r} does not exist: CIS Controls v8 has controls 1 to {last}"
    if match.group(2) is None:
        return (
            f"{ref!r} is a whole CIS Controls v8 control; cite its safeguards "
            f"{control}.1 to {control}.{count} instead"
        )
    return (
        f"{ref!r} does not exist: CIS Controls v8 control {control} has safeguards "
        f"{control}.1 to {control}.{count} (written without leading zeros)"
    )


_CHECKS: dict[str, Callable[[str], str | None]] = {
    "iso27001": _check_iso,
    "nis2": _check_nis2,
    "cis": _check_cis,
}
