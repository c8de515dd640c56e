"""The framework references a question may carry, and which of them exist.

ISO/IEC 27001:2022 Annex A has themes 5 to 8 with 37, 8, 14 and 34 controls; NIS2 article
21(2) lists measures (a) to (j); CIS Controls v8 has controls 1 to 18. A reference outside
these ranges is a typing error in the questionnaire file, so it is refused with the range.

Pure module: the standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Callable

REFERENCE_KINDS = ("iso27001", "nis2", "cis")

ISO_PATTERN = re.compile(r"^A\.([5-8])\.(\d+)$")
NIS2_PATTERN = re.compile(r"^21\(2\)\([a-j]\)$")
CIS_PATTERN = re.compile(r"^(\d+)(\.\d+)?$")

# Number of controls in each theme of ISO/IEC 27001:2022 Annex A, so "A.5.38" is caught too.
ISO_THEME_SIZES = {5: 37, 6: 8, 7: 14, 8: 34}
CIS_CONTROLS = 18


def reference_problem(kind: str, ref: str) -> str | None:
    """Why ``ref`` is not a real reference of ``kind`` (one of REFERENCE_KINDS), or None."""
    return _CHECKS[kind](ref)


def _check_iso(ref: str) -> str | None:
    match = ISO_PATTERN.match(ref)
    if not match:
        return f"{ref!r} is not an ISO/IEC 27001:2022 Annex A control like 'A.5.15'"
    theme, number = int(match.group(1)), int(match.group(2))
    if not 1 <= number <= ISO_THEME_SIZES[theme]:
        return (
            f"{ref!r} does not exist: Annex A theme {theme} of ISO/IEC 27001:2022 runs from "
            f"A.{theme}.1 to A.{theme}.{ISO_THEME_SIZES[theme]}"
        )
    return None


def _check_nis2(ref: str) -> str | None:
    if not NIS2_PATTERN.match(ref):
        return f"{ref!r} is not a NIS2 article 21(2) measure like '21(2)(a)' (letters a to j)"
    return None


def _check_cis(ref: str) -> str | None:
    match = CIS_PATTERN.match(ref)
    if not match:
        return f"{ref!r} is not a CIS Controls v8 control or safeguard like '14.1'"
    if not 1 <= int(match.group(1)) <= CIS_CONTROLS:
        return f"{ref!r} does not exist: CIS Controls v8 has controls 1 to {CIS_CONTROLS}"
    return None


_CHECKS: dict[str, Callable[[str], str | None]] = {
    "iso27001": _check_iso,
    "nis2": _check_nis2,
    "cis": _check_cis,
}
