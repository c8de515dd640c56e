"""``/runder/<year>/historik``: who changed an answer, when, from what to what."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request

from gateway import clients
from gateway.access import municipality_id, municipality_required
from gateway.lookups import get_round, list_units, number_arg
from services.common.questionnaire import questions_by_key

bp = Blueprint("history", __name__)


@bp.get("/runder/<year:year>/historik")
@municipality_required
def history(year: int) -> Any:
    round_ = get_round(year)
    key = request.args.get("question", "")
    unit_id = number_arg("unit")
    questionnaire = clients.survey.get_questionnaire(year=year)
    question = questions_by_key(questionnaire).get(key)
    if question is None:
        abort(404)
    unit = None
    if unit_id is not None:
        unit = next((u for u in list_units() if u["id"] == unit_id), None)
        if unit is None:
            abort(404)
    changes = clients.survey.get_answer_history(
        municipality_id=municipality_id(), year=year, question_key=key, unit_id=unit_id
    )
    return render_template(
        "history.html",
        round=round_,
        question=question,
        unit=unit,
        changes=sorted(changes, key=lambda c: c.get("revision") or 0, reverse=True),
    )
