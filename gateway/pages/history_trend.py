"""``/udvikling``: the municipality's development over every round it answered.

Scores come from scoring's history (questions matched across questionnaire versions by key);
the national median and quartile range per year come from the benchmark service. Where the
questionnaire changed between two years, the chart and the table say how much of it the two
years share, so that a new set of questions is not read as progress.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from gateway import clients
from gateway.access import municipality_id, municipality_required
from gateway.i18n import localized, t
from gateway.lookups import flat_tree, list_units, visible_history
from gateway.pages.benchmark_common import chart_number, percent_share, svg
from gateway.rpc import ServiceUnavailable
from services.common import charts
from services.common.errors import NotFound

bp = Blueprint("development", __name__)


def national_series(national: dict | None, metric: str) -> dict[int, dict]:
    if not national:
        return {}
    found = national.get("metrics", {}).get(metric, {})
    return {int(year): cell for year, cell in found.items() if cell}


def notes(points: list[dict]) -> dict[int, str]:
    """The years before which the questionnaire behind the figure changed."""
    return {
        p["year"]: t("dev.note_share", share=percent_share(p["comparable_share"]))
        for p in points
        if p.get("comparable_share") is not None and p["comparable_share"] < 1
    }


def trend(
    chart_id: str, title: str, years: list[int], points: list[dict], national: dict[int, dict]
) -> str:
    own = {p["year"]: p["score"] for p in points}
    return charts.trend_chart(
        years,
        [
            {"label": t("bm.chart.own"), "values": own},
            {
                "label": t("dev.national_median"),
                "values": {y: national[y]["median"] for y in years if y in national},
            },
        ],
        chart_id=chart_id,
        title=t("dev.chart_title", what=title),
        description=t("dev.chart_desc", what=title),
        band={y: (national[y]["q1"], national[y]["q3"]) for y in years if y in national},
        band_label=t("dev.national_quartiles"),
        notes=notes(points),
        acceptable_label=t("bm.chart.acceptable"),
        fmt=chart_number,
        width=460,
        height=280,
    )


def _in_years(points: list[dict], years: list[int]) -> list[dict]:
    return [p for p in points if p["year"] in years]


@bp.get("/udvikling")
@municipality_required
def development() -> Any:
    history = visible_history(
        clients.scoring.get_history(municipality_id=municipality_id()), clients.survey.list_rounds()
    )
    years = history["years"]
    try:
        national = clients.benchmark.get_national_series()
        benchmark_down = False
    except (ServiceUnavailable, NotFound):
        national, benchmark_down = None, True
    overall_points = _in_years(history["overall"], years)
    overall_chart = trend(
        "dev-overall",
        t("dashboard.overall"),
        years,
        overall_points,
        national_series(national, "overall"),
    )
    areas = []
    for area in history["areas"]:
        points = _in_years(area["points"], years)
        title = localized(area["title"])
        areas.append(
            {
                "key": area["key"],
                "title": title,
                "points": points,
                "chart": svg(
                    trend(
                        f"dev-{area['key']}",
                        title,
                        years,
                        points,
                        national_series(national, f"area:{area['key']}"),
                    )
                ),
                "national": national_series(national, f"area:{area['key']}"),
            }
        )
    names = {unit["id"]: (unit, depth) for unit, depth in flat_tree(list_units())}
    units = [
        {**row, "unit": names[row["id"]][0], "depth": names[row["id"]][1]}
        for row in history["units"]
        if row["id"] in names
    ]
    units.sort(key=lambda row: list(names).index(row["id"]))
    questions_by_area: dict[str, list[dict]] = {}
    for question in history["questions"]:
        questions_by_area.setdefault(question["area_key"], []).append(
            {**question, "points": _in_years(question["points"], years)}
        )
    return render_template(
        "history_trend.html",
        years=years,
        states=history["states"],
        overall=overall_points,
        overall_national=national_series(national, "overall"),
        overall_chart=svg(overall_chart),
        areas=areas,
        units=units,
        questions=questions_by_area,
        comparisons=history["comparisons"],
        benchmark_down=benchmark_down,
        share=percent_share,
    )
