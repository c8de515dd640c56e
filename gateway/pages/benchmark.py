"""``/runder/<year>/sammenligning``: the municipality against the others, and a unit against
the rest of its organisation.

The figures come from the benchmark service, already through disclosure control; the page only
picks one of the viewer's three fixed groups (Denmark, its region, its size class) to draw.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from gateway.auth import municipality_id, municipality_required
from gateway.i18n import localized, t
from gateway.pages.benchmark_common import (
    GROUP_CHOICES,
    band_label,
    chart_legend,
    chart_number,
    group_label,
    svg,
)
from gateway.pages.common import (
    area_titles,
    flat_tree,
    get_round,
    list_units,
    number_arg,
    visible_rounds,
)
from gateway.rpc import call
from services.common import charts
from services.common.errors import NotFound
from services.scoring.organisation import unit_versus_rest

bp = Blueprint("benchmark", __name__)


@bp.get("/sammenligning")
@municipality_required
def current() -> Any:
    """The latest closed round (final figures), or the open one when nothing is closed yet."""
    rounds = visible_rounds()
    chosen = next((r for r in rounds if r["state"] == "closed"), rounds[0] if rounds else None)
    if chosen is None:
        flash(t("dashboard.no_round"), "info")
        return redirect(url_for("dashboard.index"))
    return redirect(url_for("benchmark.benchmark", year=chosen["year"]))


def chosen_group(view: dict, choice: str) -> dict:
    """One of the viewer's own groups; anything else falls back to all of Denmark."""
    kinds = {"all": "national", "region": "region", "size": "size"}
    kind = kinds.get(choice, "national")
    return next(g for g in view["groups"] if g["kind"] == kind)


def metric_row(entry: dict, group_key: str, label: str, key: str | None = None) -> dict:
    cell = entry["cells"].get(group_key)
    return {
        "key": key,
        "label": label,
        "own": entry["own"],
        "cell": cell,
        "band": entry["bands"].get(group_key),
        "band_label": band_label(entry["bands"].get(group_key)),
    }


def benchmark_rows(view: dict, questionnaire: dict, group_key: str) -> dict:
    """Overall, areas and questions as table rows for one group."""
    titles = area_titles(questionnaire)
    questions = {q["key"]: q for a in questionnaire["areas"] for q in a["questions"]}
    areas = [
        metric_row(
            entry, group_key, localized(titles.get(entry["key"], entry["key"])), entry["key"]
        )
        for entry in view["areas"]
    ]
    by_area: dict[str, list[dict]] = {key: [] for key in titles}
    for entry in view["questions"]:
        question = questions.get(entry["key"])
        if question is None:
            continue
        row = metric_row(entry, group_key, localized(question["text"]), entry["key"])
        by_area.setdefault(question["area_key"], []).append(row)
    return {
        "overall": metric_row(view["overall"], group_key, t("dashboard.overall")),
        "areas": areas,
        "questions": [
            {"key": key, "title": localized(title), "rows": by_area.get(key, [])}
            for key, title in titles.items()
        ],
    }


def area_chart(rows: dict, group: dict, year: int) -> str:
    label = group_label(group)
    chart_rows = [
        {
            "label": row["label"],
            "own": row["own"],
            "median": row["cell"]["median"] if row["cell"] else None,
            "q1": row["cell"]["q1"] if row["cell"] else None,
            "q3": row["cell"]["q3"] if row["cell"] else None,
        }
        for row in [rows["overall"], *rows["areas"]]
    ]
    return charts.distribution_chart(
        chart_rows,
        chart_id=f"benchmark-{year}",
        title=t("bm.chart.areas_title", group=label, year=year),
        description=t("bm.chart.areas_desc", group=label),
        legend=chart_legend(),
        fmt=chart_number,
    )


def unit_comparison(year: int, questionnaire: dict, unit_id: int) -> dict | None:
    """The unit against the rest of the organisation, or None without scores."""
    try:
        scores = call("scoring", "get_scores", municipality_id(), year)
    except NotFound:
        return None
    try:
        return unit_versus_rest(scores, unit_id, questionnaire)
    except KeyError:
        return None


def unit_chart(comparison: dict, titles: dict, unit_name: str, year: int) -> str:
    rows = [{"label": t("dashboard.overall"), **_pair(comparison["overall"])}]
    rows += [
        {"label": localized(titles.get(a["key"], a["key"])), **_pair(a)}
        for a in comparison["areas"]
    ]
    return charts.paired_bars_chart(
        rows,
        chart_id=f"unit-{year}",
        title=t("bm.unit.chart_title", unit=unit_name, year=year),
        description=t("bm.unit.chart_desc", unit=unit_name),
        series_labels=(unit_name, t("bm.unit.rest")),
        fmt=chart_number,
    )


def _pair(row: dict) -> dict:
    return {"first": row["unit"], "second": row["rest"]}


@bp.get("/runder/<year:year>/sammenligning")
@municipality_required
def benchmark(year: int) -> Any:
    round_ = get_round(year)
    questionnaire = call("survey", "get_questionnaire", year)
    titles = area_titles(questionnaire)
    try:
        view = call("benchmark", "get_benchmark", municipality_id(), year)
    except NotFound:
        view = None
    context: dict[str, Any] = {"round": round_, "view": view, "titles": titles}
    if view is not None:
        choice = request.args.get("gruppe", "all")
        group = chosen_group(view, choice if choice in GROUP_CHOICES else "all")
        rows = benchmark_rows(view, questionnaire, group["key"])
        context.update(
            group=group,
            group_name=group_label(group),
            choices=[(key, group_label(chosen_group(view, key))) for key in GROUP_CHOICES],
            choice=choice if choice in GROUP_CHOICES else "all",
            rows=rows,
            chart=svg(area_chart(rows, group, year)),
            participation=view["participation"].get(group["key"]),
        )
    units = list_units()
    raw_unit = request.args.get("enhed", "")
    unit_id = number_arg("enhed")
    if unit_id is None and units:
        unit_id = flat_tree(units)[0][0]["id"]
    unit = next((u for u in units if u["id"] == unit_id), None)
    if raw_unit and unit is None:
        abort(404)
    comparison = unit_comparison(year, questionnaire, unit["id"]) if unit else None
    context.update(
        units=flat_tree(units),
        unit=unit,
        comparison=comparison,
        unit_chart=svg(unit_chart(comparison, titles, unit["name"], year)) if comparison else None,
    )
    return render_template("benchmark.html", **context)
