"""``/runder/<year>/scorer``: maturity per focus area and unit, and what to improve first."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for

from gateway import clients
from gateway.access import municipality_id, municipality_required
from gateway.i18n import t
from gateway.lookups import area_titles, flat_tree, get_round, list_units, visible_rounds
from services.common.errors import NotFound
from services.common.questionnaire import acceptable_level, questions_by_key

bp = Blueprint("scores", __name__)


def _unit_row(unit: dict, depth: int, scores: dict | None) -> tuple:
    by_area = {a["key"]: a for a in (scores or {}).get("areas", [])}
    return unit, depth, scores, by_area


@bp.get("/scorer")
@municipality_required
def current() -> Any:
    rounds = visible_rounds()
    chosen = next((r for r in rounds if r["state"] == "open"), rounds[0] if rounds else None)
    if chosen is None:
        flash(t("dashboard.no_round"), "info")
        return redirect(url_for("dashboard.index"))
    return redirect(url_for("scores.scores", year=chosen["year"]))


@bp.get("/runder/<year:year>/scorer")
@municipality_required
def scores(year: int) -> Any:
    round_ = get_round(year)
    questionnaire = clients.survey.get_questionnaire(year=year)
    try:
        result = clients.scoring.get_scores(municipality_id=municipality_id(), year=year)
    except NotFound:
        result = None
    ranked = (
        clients.scoring.get_recommendations(municipality_id=municipality_id(), year=year)
        if result
        else []
    )
    questions = questions_by_key(questionnaire)
    found = [dict(item, question=questions.get(item["question_key"])) for item in ranked]
    units = list_units()
    unit_scores = {u["id"]: u for u in (result or {}).get("units", [])}
    return render_template(
        "scores.html",
        round=round_,
        scores=result,
        titles=area_titles(questionnaire),
        area_scores={a["key"]: a for a in (result or {}).get("areas", [])},
        acceptable=acceptable_level(questionnaire),
        units=[
            _unit_row(unit, depth, unit_scores.get(unit["id"])) for unit, depth in flat_tree(units)
        ],
        recommendations=found,
    )
