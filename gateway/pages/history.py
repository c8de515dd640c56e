"""``/runder/<year>/historik``: who changed an answer, when, from what to what."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request

from gateway.auth import municipality_id, municipality_required
from gateway.pages.common import get_round, list_units, number_arg
from gateway.rpc import call

bp = Blueprint("history", __name__)


@bp.get("/runder/<year:year>/historik")
@municipality_required
def history(year: int) -> Any:
    round_ = get_round(year)
    key = request.args.get("question", "")
    unit_id = number_arg("unit")
    questionnaire = call("survey", "get_questionnaire", year)
    question = next(
        (q for a in questionnaire["areas"] for q in a["questions"] if q["key"] == key), None
    )
    if question is None:
        abort(404)
    unit = None
    if unit_id is not None:
        unit = next((u for u in list_units() if u["id"] == unit_id), None)
        if unit is None:
            abort(404)
    changes = call("survey", "get_answer_history", municipality_id(), year, key, unit_id=unit_id)
    return render_template(
        "history.html",
        round=round_,
        question=question,
        unit=unit,
        changes=sorted(changes, key=lambda c: c.get("revision") or 0, reverse=True),
    )
