"""``/admin/runder``: KL's platform administrator imports questionnaires and runs the rounds.

Opening a round lets every municipality answer; closing it makes the round read-only for good,
so closing asks for confirmation. A questionnaire file with a problem is refused with the exact
key and problem, and nothing changes.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from gateway.auth import admin_required
from gateway.i18n import t
from gateway.rpc import call
from services.common.errors import Conflict, NotFound, ValidationFailed
from services.common.numbers import try_parse_int

bp = Blueprint("admin", __name__, url_prefix="/admin")

MAX_QUESTIONNAIRE_BYTES = 512 * 1024


def _overview(error: str | None = None, status: int = 200) -> Any:
    rounds = sorted(call("survey", "list_rounds"), key=lambda r: r["year"], reverse=True)
    questionnaires = sorted(
        call("survey", "list_questionnaires"), key=lambda q: q["year"], reverse=True
    )
    with_round = {r["year"] for r in rounds}
    return (
        render_template(
            "admin/rounds.html",
            rounds=rounds,
            questionnaires=questionnaires,
            years_without_round=[q["year"] for q in questionnaires if q["year"] not in with_round],
            error=error,
        ),
        status,
    )


@bp.get("/runder")
@admin_required
def rounds() -> Any:
    return _overview()


@bp.post("/spoergerammer")
@admin_required
def import_questionnaire() -> Any:
    upload = request.files.get("file")
    text = upload.read(MAX_QUESTIONNAIRE_BYTES + 1) if upload else b""
    if not text:
        return _overview(t("admin.import.missing"), 422)
    if len(text) > MAX_QUESTIONNAIRE_BYTES:
        return _overview(t("admin.import.too_big"), 413)
    try:
        summary = call("survey", "import_questionnaire", text.decode("utf-8"))
    except UnicodeDecodeError:
        return _overview(t("admin.import.not_utf8"), 422)
    except (ValidationFailed, Conflict) as exc:
        return _overview(t("admin.import.refused", problem=exc.detail), exc.status)
    flash(t("admin.import.done", year=summary["year"], version=summary["version"]), "success")
    return redirect(url_for("admin.rounds"))


@bp.post("/runder")
@admin_required
def create_round() -> Any:
    year = try_parse_int(request.form.get("year"), "year")
    if year is None:
        return _overview(t("admin.round.year_missing"), 422)
    try:
        call("survey", "create_round", year)
    except (NotFound, Conflict) as exc:
        return _overview(exc.detail, exc.status)
    flash(t("admin.round.created", year=year), "success")
    return redirect(url_for("admin.rounds"))


@bp.post("/runder/<year:year>/aabn")
@admin_required
def open_round(year: int) -> Any:
    try:
        call("survey", "open_round", year)
    except (NotFound, Conflict) as exc:
        return _overview(exc.detail, exc.status)
    flash(t("admin.round.opened", year=year), "success")
    return redirect(url_for("admin.rounds"))


@bp.route("/runder/<year:year>/luk", methods=("GET", "POST"))
@admin_required
def close_round(year: int) -> Any:
    if request.method == "GET":
        try:
            round_ = call("survey", "get_round", year)
        except NotFound:
            return _overview(t("admin.round.unknown", year=year), 404)
        return render_template("admin/close.html", round=round_)
    try:
        call("survey", "close_round", year)
    except (NotFound, Conflict) as exc:
        return _overview(exc.detail, exc.status)
    flash(t("admin.round.closed", year=year), "success")
    return redirect(url_for("admin.rounds"))
