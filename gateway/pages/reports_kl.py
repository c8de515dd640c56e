"""``/kl/rapporter``: KL's national baseline report and the annual report run.

KL starts the run for a closed round here (or with ``tools/request_annual_run.py``); the page
shows its progress and the national reports. Nothing here reaches a municipality's report.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for

from gateway.i18n import t
from gateway.pages.benchmark_common import kl_required
from gateway.pages.reports_common import file_response, kl_requester, pending, report_label
from gateway.rpc import call
from services.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.common.numbers import try_parse_int
from services.reporting.jobs import LANGUAGES
from services.reporting.render import FORMATS

bp = Blueprint("reports_kl", __name__)
REFRESH_SECONDS = 3


def _year(raw: str) -> int:
    return try_parse_int(raw, "year") or 0


@bp.get("/kl/rapporter")
@kl_required
def index() -> Any:
    rounds = [r for r in call("survey", "list_rounds") if r["state"] != "draft"]
    closed = sorted((r["year"] for r in rounds if r["state"] == "closed"), reverse=True)
    runs = call("reporting", "list_annual_runs")
    jobs = call("reporting", "list_national_reports")
    for job in jobs:
        job["label"] = report_label(job, {}, t)
    running = any(run["state"] != "completed" for run in runs) or pending(jobs)
    response = make_response(
        render_template(
            "reports/kl.html",
            closed_years=closed,
            years=sorted((r["year"] for r in rounds), reverse=True),
            run_years={run["year"] for run in runs},
            runs=runs,
            jobs=jobs,
            formats=list(FORMATS),
            languages=LANGUAGES,
            pending=running,
        )
    )
    if running:
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


@bp.post("/kl/rapporter/aarlig-koersel")
@kl_required
def start_run() -> Any:
    year = _year(request.form.get("year", ""))
    try:
        run = call("reporting", "request_annual_run", year, kl_requester())
    except (ValidationFailed, Conflict, Forbidden, NotFound) as exc:
        flash(t("reports.refused", reason=exc.detail), "error")
    else:
        flash(t("reports.run_started", year=run["year"], total=run["total"]), "success")
    return redirect(url_for("reports_kl.index"))


@bp.post("/kl/rapporter")
@kl_required
def request_national() -> Any:
    data = {
        "year": _year(request.form.get("year", "")),
        "format": request.form.get("format", "pdf"),
        "language": request.form.get("language", "da"),
        "notify": request.form.get("notify") == "1",
    }
    try:
        call("reporting", "request_national_report", data, kl_requester())
    except (ValidationFailed, Conflict, Forbidden, NotFound) as exc:
        flash(t("reports.refused", reason=exc.detail), "error")
    else:
        flash(t("reports.requested"), "success")
    return redirect(url_for("reports_kl.index"))


@bp.get("/kl/rapporter/<int:job_id>/fil")
@kl_required
def download(job_id: int) -> Any:
    found = call("reporting", "download_national_report", job_id)
    inline = request.args.get("vis") == "1" and found["content_type"].startswith("text/html")
    return file_response(found, inline=inline)
