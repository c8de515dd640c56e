"""``/rapporter``: a municipality's reports. Ask for one, watch it being built, download it.

Coordinators and respondents reach every report of their municipality (the whole-municipality
report and each unit's management report); a unit lead only their own unit's (and the units
below it). Reports from KL's annual run appear here too. The page refreshes itself (an HTTP
``Refresh`` header, no script) while something is being built.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for

from gateway.auth import municipality_id, municipality_required
from gateway.i18n import t
from gateway.pages.common import flat_tree, list_units, visible_rounds
from gateway.pages.reports_common import (
    file_response,
    municipal_viewer,
    pending,
    report_label,
)
from gateway.rpc import call
from services.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.common.numbers import parse_int
from services.reporting.jobs import LANGUAGES
from services.reporting.render import FORMATS

bp = Blueprint("reports", __name__)
REFRESH_SECONDS = 3


def report_choices(viewer: dict, units: list[dict]) -> list[dict]:
    """What the viewer may ask for: the whole municipality and/or units, in tree order."""
    choices = []
    if viewer["role"] != "unit_lead":
        choices.append({"value": "municipality", "label": t("reports.choice.municipality")})
    allowed = None if viewer["unit_ids"] is None else set(viewer["unit_ids"])
    for unit, depth in flat_tree(units):
        if allowed is None or unit["id"] in allowed:
            label = t("reports.choice.unit", name=unit["name"])
            choices.append({"value": f"unit:{unit['id']}", "label": label, "depth": depth})
    return choices


@bp.get("/rapporter")
@municipality_required
def index() -> Any:
    units = list_units()
    viewer = municipal_viewer(units)
    jobs = call("reporting", "list_reports", municipality_id(), viewer)
    names = {u["id"]: u["name"] for u in units}
    for job in jobs:
        job["label"] = report_label(job, names, t)
    response = make_response(
        render_template(
            "reports/index.html",
            rounds=visible_rounds(),
            choices=report_choices(viewer, units),
            formats=list(FORMATS),
            languages=LANGUAGES,
            jobs=jobs,
            pending=pending(jobs),
        )
    )
    if pending(jobs):
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


def parse_choice(raw: str) -> tuple[str, int | None]:
    if raw.startswith("unit:"):
        return "unit", parse_int(raw[5:], "report", minimum=1)
    return "municipality", None


@bp.post("/rapporter")
@municipality_required
def request_report() -> Any:
    try:
        kind, unit_id = parse_choice(request.form.get("report", ""))
        data = {
            "kind": kind,
            "unit_id": unit_id,
            "year": parse_int(request.form.get("year", ""), "year"),
            "format": request.form.get("format", "pdf"),
            "language": request.form.get("language", "da"),
            "notify": request.form.get("notify") == "1",
        }
        call("reporting", "request_report", municipality_id(), data, municipal_viewer())
    except (ValidationFailed, Conflict, Forbidden, NotFound) as exc:
        flash(t("reports.refused", reason=exc.detail), "error")
        return redirect(url_for("reports.index"))
    flash(t("reports.requested"), "success")
    return redirect(url_for("reports.index"))


@bp.get("/rapporter/<int:job_id>/fil")
@municipality_required
def download(job_id: int) -> Any:
    found = call("reporting", "download_report", municipality_id(), job_id, municipal_viewer())
    inline = request.args.get("vis") == "1" and found["content_type"].startswith("text/html")
    return file_response(found, inline=inline)
