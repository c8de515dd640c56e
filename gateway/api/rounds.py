"""Rounds and their questionnaires: national data, readable by every logged-in user."""

from __future__ import annotations

from typing import Any

from flask import abort, g, jsonify

from gateway import clients
from gateway.access import login_required
from gateway.api.base import api, operation
from gateway.api.schemas import QuestionnaireSchema, RoundSchema


def _visible(round_: dict) -> bool:
    """Draft rounds are KL's work in progress; municipalities see them once opened."""
    return round_.get("state") != "draft" or g.user.role == "admin"


def visible_round(year: int) -> dict:
    round_ = clients.survey.get_round(year=year)
    if not round_ or not _visible(round_):
        abort(404)
    return round_


@api.get("/rounds")
@operation("All rounds, newest first", response=RoundSchema(many=True), tags=("rounds",))
@login_required
def rounds() -> Any:
    found = [r for r in clients.survey.list_rounds() if _visible(r)]
    return jsonify(sorted(found, key=lambda r: r["year"], reverse=True))


@api.get("/rounds/<year:year>")
@operation("One round", response=RoundSchema(), errors=(404,), tags=("rounds",))
@login_required
def round_(year: int) -> Any:
    return jsonify(visible_round(year))


@api.get("/rounds/<year:year>/questionnaire")
@operation(
    "The round's questionnaire (normalised)",
    response=QuestionnaireSchema(),
    errors=(404,),
    tags=("rounds",),
)
@login_required
def questionnaire(year: int) -> Any:
    visible_round(year)
    return jsonify(clients.survey.get_questionnaire(year=year))
