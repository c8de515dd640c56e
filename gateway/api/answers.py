"""Answers, their history, progress, scores and copy-forward for the session's municipality."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from marshmallow import Schema, fields, validate
from werkzeug.datastructures import MultiDict

from gateway import clients
from gateway.access import actor, municipality_id, municipality_required, roles_required
from gateway.answering.form import questions_for
from gateway.answering.saving import check_may_answer, form_changes, save_changes
from gateway.api.base import api, load_body, load_query, operation
from gateway.api.schemas import (
    AnswerBatchSchema,
    AnswerSchema,
    AnswersQuerySchema,
    ChangeSchema,
    CopyForwardResultSchema,
    CopyForwardSchema,
    HistoryQuerySchema,
    InputSchema,
    ProgressSchema,
    SaveResultSchema,
    ScoresSchema,
)
from gateway.i18n import t
from services.common.errors import NotFound
from services.common.validation import DbInteger


@api.get("/rounds/<year:year>/answers")
@operation(
    "Saved answers of one unit, the municipality-wide ones, or all (all_units=true)",
    query=AnswersQuerySchema(),
    response=AnswerSchema(many=True),
    errors=(404,),
    tags=("answers",),
)
@municipality_required
def get_answers(year: int) -> Any:
    query = load_query(AnswersQuerySchema())
    answers = clients.survey.get_answers(
        municipality_id=municipality_id(),
        year=year,
        unit_id=query["unit_id"],
        area_key=query["area"],
        all_units=query["all_units"],
    )
    return jsonify(answers)


def check_own_unit(unit_id: int | None) -> None:
    """Another municipality's unit is answered exactly like a missing one (history would
    otherwise just be empty for it)."""
    if unit_id is None:
        return
    if unit_id not in {
        u["id"] for u in clients.survey.list_units(municipality_id=municipality_id())
    }:
        raise NotFound("No such unit.", field="unit_id")


@api.put("/rounds/<year:year>/answers")
@operation(
    "Save a batch of answers (all or nothing, at most 500)",
    request=AnswerBatchSchema(),
    response=SaveResultSchema(),
    errors=(404, 409),
    tags=("answers",),
)
@municipality_required
def save_answers(year: int) -> Any:
    batch = load_body(AnswerBatchSchema())
    units = clients.survey.list_units(municipality_id=municipality_id())
    check_may_answer(
        [a["unit_id"] for a in batch["answers"]], units, lambda i: f"answers[{i}].unit_id"
    )
    return jsonify(
        clients.survey.save_answers(
            municipality_id=municipality_id(), year=year, answers=batch["answers"], actor=actor()
        )
    )


@api.get("/rounds/<year:year>/answers/history")
@operation(
    "Every change of one answer, newest first: who, when, old and new",
    query=HistoryQuerySchema(),
    response=ChangeSchema(many=True),
    errors=(404,),
    tags=("answers",),
)
@municipality_required
def answer_history(year: int) -> Any:
    query = load_query(HistoryQuerySchema())
    check_own_unit(query["unit_id"])
    changes = clients.survey.get_answer_history(
        municipality_id=municipality_id(),
        year=year,
        question_key=query["question_key"],
        unit_id=query["unit_id"],
    )
    return jsonify(sorted(changes, key=lambda c: c.get("revision") or 0, reverse=True))


@api.get("/rounds/<year:year>/progress")
@operation(
    "Answered versus expected per area and unit",
    response=ProgressSchema(),
    errors=(404,),
    tags=("answers",),
)
@municipality_required
def progress(year: int) -> Any:
    return jsonify(clients.survey.get_progress(municipality_id=municipality_id(), year=year))


@api.get("/rounds/<year:year>/scores")
@operation(
    "Maturity scores per area and unit (1-5, acceptable level 3)",
    response=ScoresSchema(),
    errors=(404,),
    tags=("scores",),
)
@municipality_required
def scores(year: int) -> Any:
    return jsonify(clients.scoring.get_scores(municipality_id=municipality_id(), year=year))


@api.post("/rounds/<year:year>/copy-forward")
@operation(
    "Copy last year's answers into this round as drafts (coordinator)",
    request=CopyForwardSchema(),
    response=CopyForwardResultSchema(),
    errors=(404, 409),
    tags=("answers",),
)
@roles_required("coordinator")
def copy_forward(year: int) -> Any:
    data = load_body(CopyForwardSchema())
    result = clients.survey.copy_forward(
        municipality_id=municipality_id(), from_year=data["from_year"], to_year=year, actor=actor()
    )
    return jsonify(result)


class FormSaveSchema(InputSchema):
    """The answering page's form fields as JSON: the page's autosave sends what the person has
    entered so far, read by exactly the rules of the plain form post."""

    unit_id = DbInteger(allow_none=True, load_default=None, strict=True)
    area = fields.String(required=True, validate=validate.Length(min=1, max=80))
    fields_ = fields.Dict(
        data_key="fields",
        keys=fields.String(validate=validate.Length(max=120)),
        values=fields.List(fields.String(validate=validate.Length(max=6000)), required=True),
        required=True,
        metadata={"description": "Form field name → its values (value-<key>, na-<key>, ...)."},
    )


class FormSaveResultSchema(Schema):
    saved = fields.Integer(required=True)
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.String()),
        metadata={"description": "Question key → part → message; those were not saved."},
    )


@api.put("/rounds/<year:year>/answers/form")
@operation(
    "Save the answering page's form fields (autosave): valid changed answers are saved",
    request=FormSaveSchema(),
    response=FormSaveResultSchema(),
    errors=(403, 404, 409),
    tags=("answers",),
)
@municipality_required
def save_form(year: int) -> Any:
    data = load_body(FormSaveSchema())
    unit_id = data["unit_id"]
    units = clients.survey.list_units(municipality_id=municipality_id())
    if unit_id is not None and unit_id not in {u["id"] for u in units}:
        raise NotFound("No such unit.", field="unit_id")
    check_may_answer([unit_id], units, lambda i: "unit_id")
    questionnaire = clients.survey.get_questionnaire(year=year)
    questions = questions_for(questionnaire, data["area"], unit_id)
    form = MultiDict([(name, v) for name, values in data["fields_"].items() for v in values])
    answers = clients.survey.get_answers(
        municipality_id=municipality_id(), year=year, unit_id=unit_id
    )
    saved = {a["question_key"]: a for a in answers if a.get("unit_id") == unit_id}
    read = form_changes(form, questions, saved, unit_id, keep_valid=True)
    count = save_changes(year, read.changes)
    errors = {
        key: {part: t(message) for part, message in parts.items()}
        for key, parts in read.parsed.errors.items()
    }
    return jsonify({"saved": count, "errors": errors})
