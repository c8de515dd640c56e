"""Server-rendered SVG charts of maturity scores, for web pages and (later) PDF reports.

Pure Python, no dependencies: each function returns one self-contained ``<svg>`` string. The
pictures are meant to be looked at; the numbers belong in a table beside them (the pages put
one there), so a chart never has to be read digit by digit.

Accessibility: every chart is ``role="img"`` labelled by its ``<title>`` and ``<desc>``; the
description says in words what the chart shows. Nothing relies on colour alone: the own value
is a diamond, medians are lines, quartile ranges are shaded boxes, and series differ in dash
pattern and marker shape as well as colour. Colours are set as attributes, not CSS, so that a
PDF renderer without the site's stylesheet draws the same chart. Every text is escaped.

Scores run on the 1-5 maturity scale with the acceptable level (3) drawn as a dashed line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from xml.sax.saxutils import escape

Formatter = Callable[[float], str]

INK = "#1b1f24"
MUTED = "#5b6470"
GRID = "#d5d9de"
OWN = "#0b5cad"
BAND = "#c9d3de"
OTHER = "#8a5a00"
LABEL_CHARS = 36
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"'
SERIES_STYLES = (
    {"color": OWN, "dash": None, "marker": "diamond"},
    {"color": INK, "dash": "6 4", "marker": "circle"},
    {"color": OTHER, "dash": "2 3", "marker": "square"},
)


def one_decimal(value: float) -> str:
    return f"{value:.1f}"


def _n(value: float) -> str:
    return f"{value:.1f}"


def _text(
    x: float, y: float, content: str, size: int = 12, anchor: str = "start", fill: str = INK
) -> str:
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill}">{escape(content)}</text>'
    )


def _open(chart_id: str, width: int, height: int, title: str, description: str) -> str:
    safe_id = "".join(c if c.isalnum() or c in "-_" else "-" for c in chart_id)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{safe_id}-title {safe_id}-desc" {FONT}>'
        f'<title id="{safe_id}-title">{escape(title)}</title>'
        f'<desc id="{safe_id}-desc">{escape(description)}</desc>'
    )


def _marker(kind: str, x: float, y: float, color: str, size: float = 6) -> str:
    if kind == "diamond":
        corners = ((x, y - size), (x + size, y), (x, y + size), (x - size, y))
        points = " ".join(f"{_n(cx)},{_n(cy)}" for cx, cy in corners)
        return f'<polygon points="{points}" fill="{color}" stroke="#ffffff" stroke-width="1"/>'
    if kind == "square":
        half = size * 0.8
        return (
            f'<rect x="{_n(x - half)}" y="{_n(y - half)}" width="{_n(2 * half)}" '
            f'height="{_n(2 * half)}" fill="{color}" stroke="#ffffff" stroke-width="1"/>'
        )
    return (
        f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(size * 0.8)}" fill="#ffffff" '
        f'stroke="{color}" stroke-width="2"/>'
    )


def _scale(value: float, low: float, high: float, start: float, length: float) -> float:
    clamped = min(max(value, low), high)
    return start + (clamped - low) / (high - low) * length


def distribution_chart(
    rows: Sequence[Mapping],
    *,
    chart_id: str,
    title: str,
    description: str,
    legend: Mapping[str, str],
    acceptable: float = 3.0,
    scale: tuple[float, float] = (1.0, 5.0),
    fmt: Formatter = one_decimal,
) -> str:
    """One row per item (e.g. focus area): the group's quartile range as a shaded box, its
    median as a line and the own value as a diamond, on the 1-5 scale.

    ``rows``: ``{"label", "own", "median", "q1", "q3"}``; a missing or withheld group figure
    leaves the row without a box and says ``legend["withheld"]``. ``legend`` has the texts
    ``own``, ``median``, ``quartiles``, ``acceptable`` and ``withheld``.
    """
    low, high = scale
    label_width, plot_width, right = 230, 340, 96
    row_height, top = 34, 28
    width = label_width + plot_width + right
    with_own = any(row.get("own") is not None for row in rows)
    height = top + row_height * len(rows) + 24 + 18 * (4 if with_own else 3)
    parts = [_open(chart_id, width, height, title, description)]
    parts.append(_axis(low, high, label_width, plot_width, top, top + row_height * len(rows), fmt))
    for index, row in enumerate(rows):
        y = top + row_height * index + row_height / 2
        parts.append(
            _text(label_width - 8, y + 4, _short(row["label"], LABEL_CHARS), size=11, anchor="end")
        )
        parts.append(
            f'<line x1="{label_width}" x2="{label_width + plot_width}" y1="{_n(y)}" '
            f'y2="{_n(y)}" stroke="{GRID}" stroke-width="1"/>'
        )
        has_group = all(row.get(k) is not None for k in ("q1", "q3", "median"))
        if has_group:
            x1 = _scale(row["q1"], low, high, label_width, plot_width)
            x3 = _scale(row["q3"], low, high, label_width, plot_width)
            xm = _scale(row["median"], low, high, label_width, plot_width)
            parts.append(
                f'<rect x="{_n(x1)}" y="{_n(y - 9)}" width="{_n(max(x3 - x1, 1.5))}" '
                f'height="18" fill="{BAND}" stroke="{MUTED}" stroke-width="1"/>'
            )
            parts.append(
                f'<line x1="{_n(xm)}" x2="{_n(xm)}" y1="{_n(y - 12)}" y2="{_n(y + 12)}" '
                f'stroke="{INK}" stroke-width="3"/>'
            )
        else:
            parts.append(
                _text(label_width + plot_width + 6, y + 4, legend["withheld"], size=11, fill=MUTED)
            )
        if row.get("own") is not None:
            xo = _scale(row["own"], low, high, label_width, plot_width)
            parts.append(_marker("diamond", xo, y, OWN, 7))
            if has_group:
                parts.append(_text(label_width + plot_width + 6, y + 4, fmt(row["own"]), size=11))
    parts.append(
        _acceptable_line(
            _scale(acceptable, low, high, label_width, plot_width),
            top - 4,
            top + row_height * len(rows),
        )
    )
    legend_y = top + row_height * len(rows) + 26
    parts.append(_legend_distribution(legend, label_width, legend_y, with_own))
    parts.append("</svg>")
    return "".join(parts)


def _axis(
    low: float, high: float, left: float, length: float, top: float, bottom: float, fmt: Formatter
) -> str:
    parts = []
    for tick in range(int(low), int(high) + 1):
        x = _scale(tick, low, high, left, length)
        parts.append(
            f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{_n(top - 4)}" y2="{_n(bottom)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(_text(x, top - 10, str(tick), size=11, anchor="middle"))
    return "".join(parts)


def _acceptable_line(x: float, top: float, bottom: float) -> str:
    return (
        f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{_n(top)}" y2="{_n(bottom)}" stroke="{INK}" '
        'stroke-width="1.5" stroke-dasharray="4 3"/>'
    )


def _legend_distribution(legend: Mapping[str, str], left: float, y: float, own: bool) -> str:
    """One legend entry per line, so that no translation can run into the next."""
    parts = [
        f'<rect x="{_n(left)}" y="{_n(y - 8)}" width="22" height="12" fill="{BAND}" '
        f'stroke="{MUTED}"/>',
        _text(left + 30, y + 3, legend["quartiles"], size=11),
        f'<line x1="{_n(left + 11)}" x2="{_n(left + 11)}" y1="{_n(y + 10)}" y2="{_n(y + 24)}" '
        f'stroke="{INK}" stroke-width="3"/>',
        _text(left + 30, y + 21, legend["median"], size=11),
        _acceptable_line(left + 11, y + 28, y + 42),
        _text(left + 30, y + 39, legend["acceptable"], size=11),
    ]
    if own:
        parts += [_marker("diamond", left + 11, y + 52, OWN, 6)]
        parts += [_text(left + 30, y + 57, legend["own"], size=11)]
    return "".join(parts)


def trend_chart(
    years: Sequence[int],
    series: Sequence[Mapping],
    *,
    chart_id: str,
    title: str,
    description: str,
    band: Mapping[int, tuple[float, float]] | None = None,
    band_label: str | None = None,
    notes: Mapping[int, str] | None = None,
    acceptable: float = 3.0,
    acceptable_label: str = "",
    scale: tuple[float, float] = (1.0, 5.0),
    fmt: Formatter = one_decimal,
    width: int = 520,
    height: int = 260,
) -> str:
    """Scores over the years: one line per series, an optional shaded band (e.g. the national
    quartile range) and notes at the years where the questionnaire changed.

    ``series``: ``{"label", "values": {year: score or None}}``, drawn in the order given with
    distinct colour, dash and marker; a missing year breaks the line. ``notes``: ``{year:
    text}`` is drawn as a dotted line just before that year with the text above it.
    """
    low, high = scale
    left, right, top = 40, 16, 30
    legend_rows = len(series) + (1 if band else 0) + (1 if acceptable_label else 0)
    plot_height = height - top - 34 - 18 * legend_rows
    plot_width = width - left - right
    step = plot_width / max(len(years) - 1, 1)

    def x_of(index: int) -> float:
        return left + (step * index if len(years) > 1 else plot_width / 2)

    def y_of(value: float) -> float:
        return top + plot_height - (min(max(value, low), high) - low) / (high - low) * plot_height

    parts = [_open(chart_id, width, height, title, description)]
    for tick in range(int(low), int(high) + 1):
        y = y_of(tick)
        parts.append(
            f'<line x1="{left}" x2="{_n(left + plot_width)}" y1="{_n(y)}" y2="{_n(y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(_text(left - 8, y + 4, str(tick), size=11, anchor="end"))
    ya = y_of(acceptable)
    parts.append(
        f'<line x1="{left}" x2="{_n(left + plot_width)}" y1="{_n(ya)}" y2="{_n(ya)}" '
        f'stroke="{INK}" stroke-width="1.5" stroke-dasharray="4 3"/>'
    )
    for index, year in enumerate(years):
        parts.append(
            _text(x_of(index), top + plot_height + 18, str(year), size=11, anchor="middle")
        )
    if band:
        parts.append(_band_path(years, band, x_of, y_of))
    for index, year in enumerate(years):
        note = (notes or {}).get(year)
        if note and index > 0:
            x = (x_of(index) + x_of(index - 1)) / 2
            parts.append(
                f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{_n(top - 6)}" y2="{_n(top + plot_height)}" '
                f'stroke="{MUTED}" stroke-width="1" stroke-dasharray="1 3"/>'
            )
            parts.append(_text(x, top - 10, note, size=10, anchor="middle"))
    # The first series (the own values) is drawn last, on top of the others.
    for number, entry in reversed(list(enumerate(series))):
        style = SERIES_STYLES[number % len(SERIES_STYLES)]
        parts.append(_series_path(years, entry["values"], style, x_of, y_of))
    legend_y = top + plot_height + 40
    for number, entry in enumerate(series):
        style = SERIES_STYLES[number % len(SERIES_STYLES)]
        parts.append(_legend_line(left, legend_y, style, entry["label"]))
        legend_y += 18
    if band and band_label:
        parts.append(
            f'<rect x="{left}" y="{_n(legend_y - 9)}" width="24" height="12" fill="{BAND}"/>'
        )
        parts.append(_text(left + 32, legend_y + 2, band_label, size=11))
        legend_y += 18
    if acceptable_label:
        parts.append(
            f'<line x1="{left}" x2="{left + 24}" y1="{_n(legend_y - 3)}" y2="{_n(legend_y - 3)}" '
            f'stroke="{INK}" stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
        parts.append(_text(left + 32, legend_y + 2, acceptable_label, size=11))
    parts.append("</svg>")
    return "".join(parts)


def _band_path(years, band, x_of, y_of) -> str:  # noqa: ANN001
    """The shaded range, broken where a year has none."""
    parts = []
    run: list[tuple[float, float, float]] = []
    for index, year in enumerate([*years, None]):
        pair = band.get(year) if year is not None else None
        if pair is not None and None not in pair:
            run.append((x_of(index), y_of(pair[0]), y_of(pair[1])))
            continue
        if run:
            if len(run) == 1:
                x, y_low, y_high = run[0]
                parts.append(
                    f'<rect x="{_n(x - 6)}" y="{_n(y_high)}" width="12" '
                    f'height="{_n(max(y_low - y_high, 1))}" fill="{BAND}"/>'
                )
            else:
                upper = " ".join(f"{_n(x)},{_n(yh)}" for x, _, yh in run)
                lower = " ".join(f"{_n(x)},{_n(yl)}" for x, yl, _ in reversed(run))
                parts.append(f'<polygon points="{upper} {lower}" fill="{BAND}"/>')
            run = []
    return "".join(parts)


def _series_path(years, values, style, x_of, y_of) -> str:  # noqa: ANN001
    parts = []
    segment: list[str] = []
    dash = f' stroke-dasharray="{style["dash"]}"' if style["dash"] else ""
    for index, year in enumerate([*years, None]):
        value = values.get(year) if year is not None else None
        if value is not None:
            segment.append(f"{_n(x_of(index))},{_n(y_of(value))}")
            continue
        if len(segment) > 1:
            parts.append(
                f'<polyline points="{" ".join(segment)}" fill="none" stroke="{style["color"]}" '
                f'stroke-width="2.5"{dash}/>'
            )
        segment = []
    for index, year in enumerate(years):
        value = values.get(year)
        if value is not None:
            parts.append(_marker(style["marker"], x_of(index), y_of(value), style["color"], 5))
    return "".join(parts)


def _legend_line(left: float, y: float, style: Mapping, label: str) -> str:
    dash = f' stroke-dasharray="{style["dash"]}"' if style["dash"] else ""
    return (
        f'<line x1="{left}" x2="{left + 24}" y1="{_n(y - 3)}" y2="{_n(y - 3)}" '
        f'stroke="{style["color"]}" stroke-width="2.5"{dash}/>'
        + _marker(style["marker"], left + 12, y - 3, style["color"], 4)
        + _text(left + 32, y + 2, label, size=11)
    )


def paired_bars_chart(
    rows: Sequence[Mapping],
    *,
    chart_id: str,
    title: str,
    description: str,
    series_labels: tuple[str, str],
    acceptable: float = 3.0,
    scale: tuple[float, float] = (1.0, 5.0),
    fmt: Formatter = one_decimal,
) -> str:
    """Two bars per item, e.g. a unit's score per focus area against the rest of the
    organisation. ``rows``: ``{"label", "first", "second"}`` (None draws no bar and "–")."""
    low, high = scale
    label_width, plot_width, right = 230, 340, 48
    bar, gap, top = 12, 10, 28
    row_height = 2 * bar + gap
    width = label_width + plot_width + right
    height = top + row_height * len(rows) + 62
    bottom = top + row_height * len(rows)
    parts = [_open(chart_id, width, height, title, description)]
    parts.append(_axis(low, high, label_width, plot_width, top, bottom, fmt))
    for index, row in enumerate(rows):
        y = top + row_height * index + gap / 2
        parts.append(
            _text(
                label_width - 8,
                y + bar + 4,
                _short(row["label"], LABEL_CHARS),
                size=11,
                anchor="end",
            )
        )
        for offset, (key, color) in enumerate((("first", OWN), ("second", MUTED))):
            value = row.get(key)
            yb = y + offset * bar
            if value is None:
                parts.append(_text(label_width + 4, yb + bar - 2, "–", size=11))
                continue
            end = _scale(value, low, high, label_width, plot_width)
            parts.append(
                f'<rect x="{label_width}" y="{_n(yb)}" width="{_n(max(end - label_width, 2))}" '
                f'height="{bar - 1}" fill="{color}"'
                + (' fill-opacity="0.55" stroke="#1b1f24" stroke-width="0.6"' if offset else "")
                + "/>"
            )
            parts.append(_text(end + 4, yb + bar - 2, fmt(value), size=10))
    parts.append(
        _acceptable_line(_scale(acceptable, low, high, label_width, plot_width), top - 4, bottom)
    )
    legend_y = bottom + 26
    parts.append(
        f'<rect x="{label_width}" y="{_n(legend_y - 9)}" width="22" height="11" fill="{OWN}"/>'
    )
    parts.append(_text(label_width + 30, legend_y, series_labels[0], size=11))
    parts.append(
        f'<rect x="{label_width}" y="{_n(legend_y + 9)}" width="22" height="11" '
        f'fill="{MUTED}" fill-opacity="0.55" stroke="{INK}" stroke-width="0.6"/>'
    )
    parts.append(_text(label_width + 30, legend_y + 18, series_labels[1], size=11))
    parts.append("</svg>")
    return "".join(parts)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
