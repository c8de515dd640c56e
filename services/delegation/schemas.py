"""Input schemas of the delegation service's RPCs."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from services.common.validation import DbInteger
from services.delegation.scope import KINDS

MAX_NOTE = 2000


class ManagerSchema(Schema):
    """Who hands out or reviews delegations: a coordinator, or a unit lead for their units."""

    class Meta:
        unknown = RAISE

    user_id = DbInteger(allow_none=True, load_default=None)
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    role = fields.String(required=True, validate=validate.OneOf(("coordinator", "unit_lead")))
    email = fields.Email(allow_none=True, load_default=None)
    unit_id = DbInteger(allow_none=True, load_default=None)


class DelegateSchema(Schema):
    class Meta:
        unknown = RAISE

    delegate_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    delegate_email = fields.Email(required=True, validate=validate.Length(max=254))
    message = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=MAX_NOTE)
    )
    due_date = fields.Date(required=True)


class CreateSchema(DelegateSchema):
    unit_id = DbInteger(allow_none=True, load_default=None, strict=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    question_keys = fields.List(
        fields.String(validate=validate.Length(min=1, max=80)),
        load_default=list,
        validate=validate.Length(max=500),
    )
    area_key = fields.String(allow_none=True, load_default=None)


class RedelegateSchema(DelegateSchema):
    due_date = fields.Date(allow_none=True, load_default=None)


class CommentSchema(Schema):
    class Meta:
        unknown = RAISE

    comment = fields.String(required=True, validate=validate.Length(min=1, max=MAX_NOTE))
