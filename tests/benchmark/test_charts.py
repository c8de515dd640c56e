"""The SVG charts: well-formed, accessible, escaped, and drawn where the numbers say."""

import xml.etree.ElementTree as ET

import pytest

from services.common import charts

NS = "{http://www.w3.org/2000/svg}"
LEGEND = {
    "own": "Jeres",
    "median": "Median",
    "quartiles": "Midterste halvdel",
    "acceptable": "Acceptabelt niveau",
    "withheld": "ikke vist",
}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it


def accessible(root: ET.Element) -> tuple[str, str]:
    assert root.get("role") == "img"
    title, desc = root[0], root[1]
    assert title.tag == f"{NS}title" and desc.tag == f"{NS}desc"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    return title.text, desc.text


def test_distribution_chart_places_box_median_and_own_value():
    svg = charts.distribution_chart(
        [{"label": "Ledelse", "own": 4.0, "median": 3.0, "q1": 2.0, "q3": 4.5}],
        chart_id="t1",
        title="Titel",
        description="Beskrivelse",
        legend=LEGEND,
    )
    root = parse(svg)
    assert accessible(root) == ("Titel", "Beskrivelse")
    # The plot runs from x=230 (score 1) over 340 px to score 5: 85 px per point.
    box = root.find(f"{NS}rect[@height='18']")
    assert float(box.get("x")) == pytest.approx(230 + 85)
    assert float(box.get("width")) == pytest.approx(2.5 * 85)
    median = [line for line in root.iter(f"{NS}line") if line.get("stroke-width") == "3"][0]
    assert float(median.get("x1")) == pytest.approx(230 + 2 * 85)
    diamond = root.find(f"{NS}polygon")
    assert diamond.get("points").startswith(f"{230 + 3 * 85:.1f},")
    assert "4.0" in svg and "Jeres" in svg


def test_without_own_values_the_legend_has_no_own_entry():
    svg = charts.distribution_chart(
        [{"label": "Ledelse", "own": None, "median": 3.0, "q1": 2.0, "q3": 4.5}],
        chart_id="t5",
        title="T",
        description="D",
        legend=LEGEND,
    )
    assert "Jeres" not in svg and "Median" in svg
    assert parse(svg).find(f"{NS}polygon") is None


def test_withheld_group_is_said_in_words():
    svg = charts.distribution_chart(
        [{"label": "Risiko", "own": 2.0, "median": None, "q1": None, "q3": None}],
        chart_id="t2",
        title="T",
        description="D",
        legend=LEGEND,
    )
    root = parse(svg)
    assert root.find(f"{NS}rect[@height='18']") is None
    assert "ikke vist" in svg


def test_texts_are_escaped_and_ids_are_safe():
    svg = charts.distribution_chart(
        [{"label": "<script>&", "own": None, "median": 3, "q1": 2, "q3": 4}],
        chart_id='x" onload="alert(1)',
        title="A & B <c>",
        description="</desc><script>",
        legend=LEGEND,
    )
    root = parse(svg)
    assert "<script>" not in svg
    assert root.get("onload") is None
    assert '"' not in root[0].get("id")
    assert accessible(root)[0] == "A & B <c>"


def test_trend_chart_breaks_the_line_at_a_missing_year_and_marks_changes():
    svg = charts.trend_chart(
        [2021, 2022, 2023, 2024],
        [
            {"label": "Jeres", "values": {2021: 2.0, 2022: 2.5, 2024: 3.5}},
            {"label": "Median", "values": {2021: 2.2, 2022: 2.4, 2023: 2.6, 2024: 2.8}},
        ],
        chart_id="t3",
        title="T",
        description="D",
        band={2021: (2.0, 2.5), 2022: (2.1, 2.6), 2023: (2.2, 2.8), 2024: (2.4, 3.0)},
        band_label="Midterste halvdel",
        notes={2023: "80 % ens"},
        acceptable_label="Acceptabelt niveau",
    )
    root = parse(svg)
    accessible(root)
    lines = root.findall(f"{NS}polyline")
    # own: 2021-2022 (2024 alone has no segment); median: one line over four years
    assert sorted(len(line.get("points").split()) for line in lines) == [2, 4]
    assert "80 % ens" in svg
    assert root.find(f"{NS}polygon[@fill='{charts.BAND}']") is not None
    for year in ("2021", "2022", "2023", "2024"):
        assert f">{year}<" in svg


def test_paired_bars():
    svg = charts.paired_bars_chart(
        [
            {"label": "Ledelse", "first": 5.0, "second": 3.0},
            {"label": "Drift", "first": None, "second": 1.0},
        ],
        chart_id="t4",
        title="T",
        description="D",
        series_labels=("IT-drift", "Resten"),
    )
    root = parse(svg)
    accessible(root)
    widths = [float(r.get("width")) for r in root.iter(f"{NS}rect") if r.get("height") == "11"]
    # 340 px for 4 points: 5 -> 340, 3 -> 170, 1 -> the minimum stub
    assert widths[:3] == [pytest.approx(340), pytest.approx(170), pytest.approx(2)]
    assert "IT-drift" in svg and "–" in svg


def test_charts_are_deterministic():
    def draw() -> str:
        return charts.trend_chart(
            [2024, 2025],
            [{"label": "A", "values": {2024: 2, 2025: 3}}],
            chart_id="d",
            title="T",
            description="D",
        )

    assert draw() == draw()
