"""National administration over the API: questionnaires and rounds (role admin only)."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from marshmallow import Schema, fields, validate

from gateway.api import api, load_body, operation
from gateway.api.schemas import RoundSchema
from gateway.auth import admin_required
from gateway.rpc import call
from services.common.validation import DbInteger
from services.common.years import FIRST_YEAR, LAST_YEAR


class QuestionnaireImportSchema(Schema):
    yaml = fields.String(
        required=True,
        validate=validate.Length(min=1, max=512 * 1024),
        metadata={"description": "The questionnaire file (YAML, format in docs/architecture.md)"},
    )


class QuestionnaireSummarySchema(Schema):
    key = fields.String(required=True)
    year = fields.Integer(required=True)
    version = fields.String(required=True)
    title = fields.Dict(keys=fields.String(), values=fields.String())
    areas = fields.Integer()
    questions = fields.Integer()
    unit_questions = fields.Integer()


class RoundCreateSchema(Schema):
    year = DbInteger(required=True, validate=validate.Range(min=FIRST_YEAR, max=LAST_YEAR))


@api.get("/admin/questionnaires")
@operation(
    "Imported questionnaires (admin)",
    response=QuestionnaireSummarySchema(many=True),
    errors=(403,),
    tags=("admin",),
)
@admin_required
def list_questionnaires() -> Any:
    return jsonify(call("survey", "list_questionnaires"))


@api.post("/admin/questionnaires")
@operation(
    "Import or replace a year's questionnaire (admin); refused once its round has opened",
    request=QuestionnaireImportSchema(),
    response=QuestionnaireSummarySchema(),
    status=201,
    errors=(403, 409),
    tags=("admin",),
)
@admin_required
def import_questionnaire() -> Any:
    body = load_body(QuestionnaireImportSchema())
    return jsonify(call("survey", "import_questionnaire", body["yaml"])), 201


@api.post("/admin/rounds")
@operation(
    "Create the round of a year as a draft (admin)",
    request=RoundCreateSchema(),
    response=RoundSchema(),
    status=201,
    errors=(403, 404, 409),
    tags=("admin",),
)
@admin_required
def create_round() -> Any:
    body = load_body(RoundCreateSchema())
    return jsonify(call("survey", "create_round", body["year"])), 201


@api.post("/admin/rounds/<year:year>/open")
@operation(
    "Open a draft round for answers (admin); at most one round is open",
    response=RoundSchema(),
    errors=(403, 404, 409),
    tags=("admin",),
)
@admin_required
def open_round(year: int) -> Any:
    return jsonify(call("survey", "open_round", year))


@api.post("/admin/rounds/<year:year>/close")
@operation(
    "Close an open round (admin); it becomes read-only for good",
    response=RoundSchema(),
    errors=(403, 404, 409),
    tags=("admin",),
)
@admin_required
def close_round(year: int) -> Any:
    return jsonify(call("survey", "close_round", year))
