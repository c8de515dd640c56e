"""marshmallow schemas of the JSON API: input is loaded with them, the OpenAPI document is
generated from all of them.

Unknown input fields are ignored (EXCLUDE), so a ``municipality_id`` in a body changes nothing:
the municipality always comes from the session.
"""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from gateway.models import ROLES
from services.common.validation import DbInteger

KINDS = ("forvaltning", "afdeling")
ROUND_STATES = ("draft", "open", "closed")
QUESTION_TYPES = (
    "maturity",
    "yes_partly_no",
    "single_choice",
    "multiple_choice",
    "number",
    "text",
)
MAX_BATCH = 500


class InputSchema(Schema):
    class Meta:
        unknown = EXCLUDE


# ---- input ---------------------------------------------------------------------------------


class UnitInSchema(InputSchema):
    """A new unit, or (all fields optional) the fields of a unit to change."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    parent_id = DbInteger(allow_none=True, load_default=None, strict=True)
    responsible_name = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=120)
    )
    responsible_email = fields.Email(allow_none=True, load_default=None)


class AnswerInSchema(InputSchema):
    """One answer; ``unit_id`` is null for municipality-wide questions."""

    question_key = fields.String(required=True, validate=validate.Length(min=1, max=80))
    unit_id = DbInteger(allow_none=True, load_default=None, strict=True)
    value = fields.Raw(
        allow_none=True,
        load_default=None,
        metadata={
            "description": "Per question type: maturity 1-5, yes|partly|no, option key, "
            "list of option keys, number >= 0, or text. Null when na is true."
        },
    )
    na = fields.Boolean(load_default=False, metadata={"description": "Not applicable."})
    justification = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=2000)
    )
    comment = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=2000))


class AnswerBatchSchema(InputSchema):
    answers = fields.List(
        fields.Nested(AnswerInSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_BATCH),
    )


class CopyForwardSchema(InputSchema):
    from_year = fields.Integer(required=True, strict=True, validate=validate.Range(2000, 2100))


class AnswersQuerySchema(InputSchema):
    unit_id = DbInteger(
        load_default=None,
        metadata={"description": "A unit's answers; leave out for municipality-wide ones."},
    )
    area = fields.String(load_default=None, validate=validate.Length(max=80))
    all_units = fields.Boolean(
        load_default=False, metadata={"description": "Every answer of the municipality."}
    )


class HistoryQuerySchema(InputSchema):
    question_key = fields.String(required=True, validate=validate.Length(min=1, max=80))
    unit_id = DbInteger(load_default=None)


# ---- output --------------------------------------------------------------------------------


class MeSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    municipality_id = fields.Integer(allow_none=True, required=True)
    unit_id = fields.Integer(allow_none=True, required=True)
    language = fields.String(required=True, validate=validate.OneOf(("da", "en")))
    csrf_token = fields.String(
        required=True,
        metadata={"description": "Send it as X-CSRF-Token on every POST, PUT, PATCH and DELETE."},
    )


class RoundSchema(Schema):
    year = fields.Integer(required=True)
    state = fields.String(required=True, validate=validate.OneOf(ROUND_STATES))
    questionnaire_version = fields.String(allow_none=True)
    opened_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    closed_at = fields.String(allow_none=True, metadata={"format": "date-time"})


class QuestionSchema(Schema):
    key = fields.String(required=True)
    area_key = fields.String()
    type = fields.String(required=True, validate=validate.OneOf(QUESTION_TYPES))
    scope = fields.String(required=True, validate=validate.OneOf(("municipality", "unit")))
    weight = fields.Float()
    text = fields.Dict(keys=fields.String(), values=fields.String())
    help = fields.Dict(keys=fields.String(), values=fields.String(), allow_none=True)
    na_allowed = fields.Boolean()
    levels = fields.Dict(allow_none=True)
    options = fields.List(fields.Dict(), allow_none=True)
    bands = fields.List(fields.Dict(), allow_none=True)
    unit_label = fields.Dict(allow_none=True)
    references = fields.Dict(allow_none=True)
    recommendation = fields.Dict(allow_none=True)


class AreaSchema(Schema):
    key = fields.String(required=True)
    title = fields.Dict(keys=fields.String(), values=fields.String())
    description = fields.Dict(allow_none=True)
    questions = fields.List(fields.Nested(QuestionSchema))


class QuestionnaireSchema(Schema):
    key = fields.String(required=True)
    year = fields.Integer(required=True)
    version = fields.String()
    acceptable_level = fields.Float()
    title = fields.Dict(keys=fields.String(), values=fields.String())
    description = fields.Dict(allow_none=True)
    areas = fields.List(fields.Nested(AreaSchema), required=True)


class UnitSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    parent_id = fields.Integer(allow_none=True)
    responsible_name = fields.String(allow_none=True)
    responsible_email = fields.String(allow_none=True)


class AnswerSchema(Schema):
    question_key = fields.String(required=True)
    unit_id = fields.Integer(allow_none=True)
    value = fields.Raw(allow_none=True)
    na = fields.Boolean()
    justification = fields.String(allow_none=True)
    comment = fields.String(allow_none=True)
    revision = fields.Integer()
    answered_by = fields.String(allow_none=True)
    answered_at = fields.String(allow_none=True, metadata={"format": "date-time"})


class SaveResultSchema(Schema):
    saved = fields.Integer(required=True)
    answers = fields.List(fields.Nested(AnswerSchema))


class ChangeSchema(Schema):
    revision = fields.Integer()
    old = fields.Dict(allow_none=True)
    new = fields.Dict(allow_none=True)
    actor_name = fields.String(allow_none=True)
    actor_role = fields.String(allow_none=True)
    changed_at = fields.String(allow_none=True, metadata={"format": "date-time"})


class CountSchema(Schema):
    answered = fields.Integer()
    expected = fields.Integer()


class AreaCountSchema(CountSchema):
    key = fields.String()


class UnitCountSchema(CountSchema):
    id = fields.Integer()
    areas = fields.List(fields.Nested(AreaCountSchema))


class ProgressSchema(Schema):
    municipality = fields.Nested(CountSchema)
    areas = fields.List(fields.Nested(AreaCountSchema))
    units = fields.List(fields.Nested(UnitCountSchema))


class AreaScoreSchema(Schema):
    key = fields.String()
    score = fields.Float(allow_none=True)
    completeness = fields.Float(allow_none=True)
    answered = fields.Integer()
    expected = fields.Integer()
    below_acceptable = fields.Boolean(allow_none=True)


class UnitScoreSchema(Schema):
    id = fields.Integer()
    overall = fields.Float(allow_none=True)
    completeness = fields.Float(allow_none=True)
    areas = fields.List(fields.Nested(AreaScoreSchema))


class ScoresSchema(Schema):
    year = fields.Integer()
    overall = fields.Float(allow_none=True)
    completeness = fields.Float(allow_none=True)
    acceptable_level = fields.Float()
    areas = fields.List(fields.Nested(AreaScoreSchema))
    units = fields.List(fields.Nested(UnitScoreSchema))
    updated_at = fields.String(allow_none=True, metadata={"format": "date-time"})


class CopyForwardResultSchema(Schema):
    copied = fields.Integer(required=True)
    skipped = fields.Integer(required=True)


class ProblemSchema(Schema):
    """RFC 9457 problem details, plus the offending field."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    field = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "Path of the offending input, e.g. answers[0].value."},
    )
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "All validation messages by field path."},
    )
    service = fields.String(metadata={"description": "The service that did not answer (503)."})


class OpenApiSchema(Schema):
    openapi = fields.String(required=True)
