"""``/kl``: KL's national picture; ``/kl/udvikling``: development over the years.

KL analysts (and admins) see figures of groups only: all of Denmark, the regions and the size
classes, after the benchmark service's disclosure control. Nothing here takes a municipality
from the URL, the session or anywhere else, and no call returns one municipality's data.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, redirect, render_template, url_for

from gateway.auth import login_required
from gateway.i18n import format_number, localized, t
from gateway.pages.benchmark_common import (
    chart_legend,
    chart_number,
    group_label,
    kl_required,
    percent_share,
    svg,
)
from gateway.pages.common import area_titles, number_arg
from gateway.rpc import call
from services.common import charts
from services.common.errors import NotFound

bp = Blueprint("kl", __name__)


def chosen_year(years: list[dict]) -> int | None:
    """``?aar=`` if it has figures, else the newest final round, else the newest at all."""
    known = [y["year"] for y in years]
    wanted = number_arg("aar")
    if wanted in known:
        return wanted
    final = [y["year"] for y in years if y["state"] == "final"]
    return max(final) if final else (max(known) if known else None)


def national_chart(document: dict, titles: dict) -> str:
    rows = []
    for metric in ["overall", *[f"area:{key}" for key in titles]]:
        cell = document["metrics"].get(metric, {}).get("all")
        label = t("dashboard.overall") if metric == "overall" else localized(titles[metric[5:]])
        rows.append(
            {
                "label": label,
                "own": None,
                "median": cell["median"] if cell else None,
                "q1": cell["q1"] if cell else None,
                "q3": cell["q3"] if cell else None,
            }
        )
    return charts.distribution_chart(
        rows,
        chart_id=f"kl-{document['year']}",
        title=t("kl.chart_title", year=document["year"]),
        description=t("kl.chart_desc"),
        legend=chart_legend(),
        fmt=chart_number,
    )


def metric_tables(document: dict, titles: dict) -> list[dict]:
    """Overall and each area, each with one row per fixed group."""
    tables = []
    for metric in ["overall", *[f"area:{key}" for key in titles]]:
        cells = document["metrics"].get(metric, {})
        title = t("dashboard.overall") if metric == "overall" else localized(titles[metric[5:]])
        tables.append(
            {
                "metric": metric,
                "title": title,
                "rows": [
                    {"group": group, "label": group_label(group), "cell": cells.get(group["key"])}
                    for group in document["groups"]
                ],
            }
        )
    return tables


@bp.get("/kl")
@login_required
def index() -> Any:
    if g.user.municipality_id is not None:
        return redirect(url_for("dashboard.index"))
    return national()


@kl_required
def national() -> Any:
    years = call("benchmark", "list_years")
    year = chosen_year(years)
    context: dict[str, Any] = {"years": years, "year": year, "document": None}
    if year is not None:
        try:
            document = call("benchmark", "get_national", year)
        except NotFound:
            document = None
        if document is not None:
            questionnaire = call("survey", "get_questionnaire", year)
            titles = area_titles(questionnaire)
            questions = {q["key"]: q for a in questionnaire["areas"] for q in a["questions"]}
            context.update(
                document=document,
                titles=titles,
                questions=questions,
                chart=svg(national_chart(document, titles)),
                tables=metric_tables(document, titles),
                participation=[
                    {"label": group_label(group), **document["participation"][group["key"]]}
                    for group in document["groups"]
                    if document["participation"].get(group["key"])
                ],
                completeness=document["metrics"].get("completeness", {}).get("all"),
            )
    return render_template("kl.html", **context)


def development_chart(development: dict, metric: str, title: str) -> str:
    years = [entry["year"] for entry in development["years"]]
    cells = {entry["year"]: entry["metrics"].get(metric) for entry in development["years"]}
    notes = {
        step["to_year"]: t("dev.note_share", share=percent_share(_step_share(step, metric)))
        for step in development["steps"]
        if _step_share(step, metric) < 1
    }
    return charts.trend_chart(
        years,
        [
            {
                "label": t("kl.dev.all_median"),
                "values": {y: c["median"] for y, c in cells.items() if c},
            },
            {
                "label": t("kl.dev.all_mean"),
                "values": {y: c["mean"] for y, c in cells.items() if c},
            },
        ],
        chart_id=f"kl-dev-{metric.replace(':', '-')}",
        title=t("dev.chart_title", what=title),
        description=t("kl.dev.chart_desc", what=title),
        band={y: (c["q1"], c["q3"]) for y, c in cells.items() if c},
        band_label=t("dev.national_quartiles"),
        notes=notes,
        acceptable_label=t("bm.chart.acceptable"),
        fmt=chart_number,
        width=460,
        height=280,
    )


def _step_share(step: dict, metric: str) -> float:
    if metric == "overall":
        return step["share"]
    key = metric.removeprefix("area:")
    return next((a["share"] for a in step["areas"] if a["key"] == key), 0.0)


@bp.get("/kl/udvikling")
@kl_required
def development() -> Any:
    result = call("benchmark", "get_development")
    titles: dict = {}
    if result["years"]:
        latest = result["years"][-1]["year"]
        titles = area_titles(call("survey", "get_questionnaire", latest))
    metrics = [("overall", t("dashboard.overall"))]
    metrics += [(f"area:{key}", localized(title)) for key, title in titles.items()]
    sections = [
        {
            "metric": metric,
            "title": title,
            "chart": svg(development_chart(result, metric, title)) if result["years"] else None,
            "years": [
                {"year": entry["year"], "cell": entry["metrics"].get(metric)}
                for entry in result["years"]
            ],
            "steps": [
                {
                    "from_year": step["from_year"],
                    "to_year": step["to_year"],
                    "share": _step_share(step, metric),
                    "panel": (step["panel"] or {}).get(metric),
                }
                for step in result["steps"]
            ],
        }
        for metric, title in metrics
    ]
    return render_template(
        "kl_development.html",
        participation=[
            {"year": entry["year"], **(entry["participation"] or {})} for entry in result["years"]
        ],
        completeness={
            entry["year"]: entry["metrics"].get("completeness") for entry in result["years"]
        },
        sections=sections,
        share=percent_share,
        signed=signed,
    )


def signed(value: float | None) -> str:
    """A change with its sign and two decimals: "+0,12", "-0,05"."""
    if value is None:
        return "–"
    return ("+" if value > 0 else "") + format_number(float(value) if value else 0.0)
