"""``/runder/<year>/scorer``: maturity per focus area and unit, and what to improve first."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for

from gateway import clients
from gateway.access import municipality_id, municipality_required
from gateway.i18n import t
from gateway.lookups import area_titles, flat_tree, get_round, list_units, visible_rounds
from services.common.errors import NotFound

bp = Blueprint("scores", __name__)


def recommendations(questionnaire: dict, answers: list[dict]) -> list[dict]:
    """The municipality's questions below the acceptable level, most urgent first."""
    from services.scoring.rules import recommendations as compute

    return compute(questionnaire, answers, None)


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
    answers = clients.survey.get_answers(
        municipality_id=municipality_id(), year=year, all_units=True
    )
    questions = {q["key"]: q for a in questionnaire["areas"] for q in a["questions"]}
    found = [
        dict(item, question=questions.get(item["question_key"]))
        for item in recommendations(questionnaire, answers)
    ]
    units = list_units()
    unit_scores = {u["id"]: u for u in (result or {}).get("units", [])}
    return render_template(
        "scores.html",
        round=round_,
        scores=result,
        titles=area_titles(questionnaire),
        area_scores={a["key"]: a for a in (result or {}).get("areas", [])},
        acceptable=float(questionnaire.get("acceptable_level") or 3),
        units=[
            _unit_row(unit, depth, unit_scores.get(unit["id"])) for unit, depth in flat_tree(units)
        ],
        recommendations=found,
    )
