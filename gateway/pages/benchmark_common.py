"""What the benchmark, development and KL pages and API share: KL's access, group and band
labels, and the texts and number format the charts are drawn with."""

from __future__ import annotations

from markupsafe import Markup

from gateway.i18n import format_score, t

GROUP_CHOICES = ("all", "region", "size")


def group_label(group: dict) -> str:
    if group["kind"] == "national":
        return t("bm.group.all")
    if group["kind"] == "region":
        return t("bm.group.region", name=group["name"])
    return t(f"bm.size.{group['name']}")


def band_label(band: str | None) -> str:
    return t(f"bm.band.{band}") if band else "–"


def chart_legend() -> dict[str, str]:
    return {
        "own": t("bm.chart.own"),
        "median": t("bm.chart.median"),
        "quartiles": t("bm.chart.quartiles"),
        "acceptable": t("bm.chart.acceptable"),
        "withheld": t("bm.chart.withheld"),
    }


def chart_number(value: float) -> str:
    return format_score(value)


def svg(markup: str) -> Markup:
    """A chart from services.common.charts: every text in it is escaped there."""
    return Markup(markup)  # noqa: S704 - built by charts.py, which escapes all text


def percent_share(share: float | None) -> str:
    return "–" if share is None else f"{round(share * 100)} %"
