"""Answers, their history, progress, scores and copy-forward for the session's municipality."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify
from marshmallow import Schema, fields, validate
from werkzeug.datastructures import MultiDict

from gateway.answer_form import changed_answers, parse_form, questions_for
from gateway.api import api, load_body, load_query, operation
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
from gateway.auth import actor, municipality_id, municipality_required, roles_required
from gateway.i18n import t
from gateway.permissions import answerable_unit_ids, can_answer, can_answer_municipality
from gateway.rpc import call
from services.common.errors import Forbidden, NotFound
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
    answers = call(
        "survey",
        "get_answers",
        municipality_id(),
        year,
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
    if unit_id not in {u["id"] for u in call("survey", "list_units", municipality_id())}:
        raise NotFound("No such unit.", field="unit_id")


def check_may_answer(answers: list[dict]) -> None:
    """A unit lead answers only for their own part of the organisation (403 naming the field)."""
    units = call("survey", "list_units", municipality_id())
    allowed = answerable_unit_ids(g.user, units)
    for index, answer in enumerate(answers):
        unit_id = answer["unit_id"]
        if unit_id is None and not can_answer_municipality(g.user):
            raise Forbidden(
                "Your role cannot answer municipality-wide questions.",
                field=f"answers[{index}].unit_id",
            )
        if unit_id is not None and unit_id not in allowed:
            raise Forbidden("You cannot answer for this unit.", field=f"answers[{index}].unit_id")


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
    if g.user.role == "unit_lead":
        check_may_answer(batch["answers"])
    return jsonify(
        call("survey", "save_answers", municipality_id(), year, batch["answers"], actor())
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
    changes = call(
        "survey",
        "get_answer_history",
        municipality_id(),
        year,
        query["question_key"],
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
    return jsonify(call("survey", "get_progress", municipality_id(), year))


@api.get("/rounds/<year:year>/scores")
@operation(
    "Maturity scores per area and unit (1-5, acceptable level 3)",
    response=ScoresSchema(),
    errors=(404,),
    tags=("scores",),
)
@municipality_required
def scores(year: int) -> Any:
    return jsonify(call("scoring", "get_scores", municipality_id(), year))


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
    result = call("survey", "copy_forward", municipality_id(), data["from_year"], year, actor())
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
    units = call("survey", "list_units", municipality_id())
    if unit_id is not None and unit_id not in {u["id"] for u in units}:
        raise NotFound("No such unit.", field="unit_id")
    if not can_answer(g.user, unit_id, units):
        raise Forbidden("You cannot answer for this unit.", field="unit_id")
    questionnaire = call("survey", "get_questionnaire", year)
    questions = questions_for(questionnaire, data["area"], unit_id)
    form = MultiDict([(name, v) for name, values in data["fields_"].items() for v in values])
    shown = set(form.getlist("shown"))
    if shown:
        questions = [q for q in questions if q["key"] in shown]
    answers = call("survey", "get_answers", municipality_id(), year, unit_id=unit_id)
    saved = {a["question_key"]: a for a in answers if a.get("unit_id") == unit_id}
    parsed = parse_form(form, questions, saved)
    valid = {k: e for k, e in parsed.entries.items() if k not in parsed.errors}
    changes = changed_answers(valid, saved, unit_id)
    count = 0
    if changes:
        result = call("survey", "save_answers", municipality_id(), year, changes, actor())
        count = (result or {}).get("saved", len(changes))
    errors = {
        key: {part: t(message) for part, message in parts.items()}
        for key, parts in parsed.errors.items()
    }
    return jsonify({"saved": count, "errors": errors})
