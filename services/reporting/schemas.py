"""Input schemas of the reporting service's RPCs; errors name the field (``format``)."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from services.common.validation import DbInteger
from services.reporting.jobs import LANGUAGES, MUNICIPAL_KINDS
from services.reporting.render import FORMATS

ROLES = ("coordinator", "unit_lead", "respondent", "kl_analyst", "admin", "system")


class RequesterSchema(Schema):
    """Who asks or looks: from the gateway's session, never from a form."""

    class Meta:
        unknown = RAISE

    user_id = DbInteger(allow_none=True, load_default=None)
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    email = fields.Email(allow_none=True, load_default=None)
    unit_ids = fields.List(DbInteger(), allow_none=True, load_default=None)


class ReportRequestSchema(Schema):
    class Meta:
        unknown = RAISE

    kind = fields.String(required=True, validate=validate.OneOf(MUNICIPAL_KINDS))
    year = DbInteger(required=True, validate=validate.Range(min=2000, max=2100))
    unit_id = DbInteger(allow_none=True, load_default=None)
    format = fields.String(load_default="pdf", validate=validate.OneOf(list(FORMATS)))
    language = fields.String(load_default="da", validate=validate.OneOf(LANGUAGES))
    notify = fields.Boolean(load_default=False)


class NationalRequestSchema(Schema):
    class Meta:
        unknown = RAISE

    year = DbInteger(required=True, validate=validate.Range(min=2000, max=2100))
    format = fields.String(load_default="pdf", validate=validate.OneOf(list(FORMATS)))
    language = fields.String(load_default="da", validate=validate.OneOf(LANGUAGES))
    notify = fields.Boolean(load_default=False)


class AnnualRunRequestSchema(Schema):
    """A request from KL's page or the command line (``tools/request_annual_run.py``)."""

    class Meta:
        unknown = RAISE

    year = DbInteger(required=True, validate=validate.Range(min=2000, max=2100))
    requested_by = fields.String(load_default="KL", validate=validate.Length(min=1, max=120))
    request_id = fields.String(load_default=None, allow_none=True)
