"""Input schemas of the survey service's RPCs."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from services.common.validation import DbInteger
from services.survey.units import KINDS

ROLES = ("coordinator", "unit_lead", "respondent", "kl_analyst", "admin", "delegate", "system")


class ActorSchema(Schema):
    class Meta:
        unknown = RAISE

    user_id = DbInteger(allow_none=True, load_default=None)
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class UnitSchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    parent_id = DbInteger(allow_none=True, load_default=None)
    responsible_name = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=120)
    )
    responsible_email = fields.Email(allow_none=True, load_default=None)


class AnswerBatchSchema(Schema):
    """Shape only; the values are checked against their questions by services.survey.answers."""

    class Meta:
        unknown = RAISE

    answers = fields.List(fields.Dict(), required=True, validate=validate.Length(min=1, max=500))
