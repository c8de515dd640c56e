"""How the figures of a report are written, per language: Danish decimal comma first.

Pure. Every table cell of a report has a kind (``score``, ``percent``, ``delta``, ...); the
renderers for people (HTML, PDF, DOCX) write it with ``cell``, while XLSX, CSV and JSON keep the
raw number, so a spreadsheet can compute with it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from services.common.localtime import LOCAL_TIME, day_text

DASH = "–"


def _decimal(text: str, lang: str) -> str:
    return text.replace(".", ",") if lang == "da" else text


def score(value: float | None, lang: str) -> str:
    """A maturity score with one decimal: "2,8" in Danish."""
    return DASH if value is None else _decimal(f"{float(value):.1f}", lang)


def score2(value: float | None, lang: str) -> str:
    """Published benchmark figures keep two decimals."""
    return DASH if value is None else _decimal(f"{float(value):.2f}", lang)


def delta(value: float | None, lang: str) -> str:
    """A change with its sign, so a fall is never read as a level."""
    if value is None:
        return DASH
    text = _decimal(f"{abs(float(value)):.1f}", lang)
    if round(float(value), 1) == 0:
        return _decimal("0.0", lang)
    return ("+" if value > 0 else "−") + text


def percent(value: float | None, lang: str) -> str:
    """A share 0..1 as a whole percentage."""
    return DASH if value is None else f"{round(float(value) * 100)} %"


def integer(value: int | float | None, lang: str) -> str:
    if value is None:
        return DASH
    return f"{int(value):,}".replace(",", "." if lang == "da" else ",")


def level(value: float | None, lang: str) -> str:
    """The acceptable level: "3", not "3,0"."""
    if value is not None and float(value).is_integer():
        return str(int(value))
    return score(value, lang)


def date(moment: datetime | str | None, lang: str) -> str:
    """A day in Danish local time: "28. november 2026" / "28 November 2026"."""
    if moment is None:
        return DASH
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return day_text(moment.astimezone(LOCAL_TIME).date(), lang)


FORMATTERS = {
    "score": score,
    "score2": score2,
    "delta": delta,
    "percent": percent,
    "int": integer,
    "level": level,
}


def cell(value: object, kind: str, lang: str) -> str:
    """One table cell as people read it; text passes through, a missing value is a dash."""
    if kind in FORMATTERS:
        return FORMATTERS[kind](value, lang)  # type: ignore[arg-type]
    if value is None or value == "":
        return DASH
    return str(value)
