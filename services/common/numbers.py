"""Numbers from outside (URL path, query, form, JSON, RPC arguments): the one place that reads them.

Rules, in plain words:

- A number typed or sent as text is ASCII digits ``0``-``9`` only, at most ten of them. Python's
  ``str.isdigit`` also accepts "²" and "①" (which ``int`` then refuses with a crash), and ``int``
  itself accepts Arabic-Indic digits, spaces, signs and underscores; none of those is a number here.
- A number must fit the database's integer column: every id and year is a PostgreSQL ``integer``
  (at most 2,147,483,647). A larger value would reach the database and fail there (a 500); here
  it is refused as input, naming the field.
- ``True`` and ``False`` are not numbers, even though Python counts them as ints.

Refusals are ``ValidationFailed`` naming the field; the gateway turns them into 400/404/422.
"""

from __future__ import annotations

import re
from typing import Any

from services.common.errors import ValidationFailed

DB_INT_MAX = 2**31 - 1
"""The largest value of a PostgreSQL ``integer`` column (SQLAlchemy ``Integer``)."""

_ASCII_NUMBER = re.compile(r"[0-9]{1,10}")


def parse_int(raw: Any, field: str, *, minimum: int = 0, maximum: int = DB_INT_MAX) -> int:
    """The whole number written in ``raw``, or ValidationFailed naming ``field``."""
    if not isinstance(raw, str) or not _ASCII_NUMBER.fullmatch(raw):
        raise _refused(field, "must be a whole number written with the digits 0-9")
    return check_int(int(raw), field, minimum=minimum, maximum=maximum)


def try_parse_int(
    raw: Any, field: str = "value", *, minimum: int = 0, maximum: int = DB_INT_MAX
) -> int | None:
    """Like ``parse_int`` but None for anything that is not a number in range, for inputs
    where "no number" already has a meaning (an empty filter, a missing choice)."""
    try:
        return parse_int(raw, field, minimum=minimum, maximum=maximum)
    except ValidationFailed:
        return None


def check_int(value: Any, field: str, *, minimum: int = 0, maximum: int = DB_INT_MAX) -> int:
    """``value`` itself when it is an int (not a bool) within the range, else ValidationFailed."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise _refused(field, "must be a whole number")
    if not minimum <= value <= maximum:
        raise _refused(field, f"must be between {minimum} and {maximum}")
    return value


def check_id_arguments(arguments: dict[str, Any]) -> None:
    """An RPC call's named arguments: every ``year``, ``*_year``, ``*_id`` and ``*_ids`` int
    must fit the integer column, so a caller's huge id is a ValidationFailed naming it, never
    a database error. Other types are left to the method's own checks."""
    for name, value in arguments.items():
        if name == "year" or name.endswith(("_id", "_year")):
            values = [value]
        elif name.endswith("_ids") and isinstance(value, list | tuple):
            values = list(value)
        else:
            continue
        for item in values:
            if isinstance(item, int) and not isinstance(item, bool):
                check_int(item, name)


def _refused(field: str, rule: str) -> ValidationFailed:
    message = f"{field} {rule}."
    return ValidationFailed(message, field=field, errors={field: [message]})
