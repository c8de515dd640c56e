"""Input of ``queue_mail``: one message shape for every caller."""

from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from services.common.tokens import looks_like_token
from services.mail.rendering import KINDS


class LinkSchema(Schema):
    """A link filled in only at sending: the page's path and the clear token behind it."""

    class Meta:
        unknown = RAISE

    token = fields.String(required=True)
    path = fields.String(required=True, validate=validate.Regexp(r"^/[A-Za-z0-9/_-]{0,200}$"))

    @validates_schema
    def _token(self, data: dict, **_kwargs: object) -> None:
        if not looks_like_token(data["token"]):
            raise ValidationError("not a link token", field_name="token")


class MessageSchema(Schema):
    """A template kind comes with ``context`` (rendered here); any other kind comes rendered
    (``subject``, ``text``, ``html``), like reporting's "report ready"."""

    class Meta:
        unknown = RAISE

    kind = fields.String(required=True, validate=validate.Length(min=1, max=16))
    municipality_id = fields.Integer(allow_none=True, load_default=None, strict=True)
    reference = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=80))
    to_name = fields.String(load_default="", validate=validate.Length(max=120))
    to_addr = fields.String(required=True)
    context = fields.Dict(keys=fields.String(), allow_none=True, load_default=None)
    subject = fields.String(allow_none=True, load_default=None, validate=validate.Length(min=1))
    text = fields.String(allow_none=True, load_default=None, validate=validate.Length(min=1))
    html = fields.String(allow_none=True, load_default=None, validate=validate.Length(min=1))
    link = fields.Nested(LinkSchema, allow_none=True, load_default=None)

    @validates_schema
    def _rendered_or_template(self, data: dict, **_kwargs: object) -> None:
        if data["kind"] in KINDS:
            if data["context"] is None:
                raise ValidationError(f"a {data['kind']} mail needs its context", "context")
            return
        for name in ("subject", "text", "html"):
            if not (data.get(name) or "").strip():
                raise ValidationError(f"{name} is required", field_name=name)


class QueueSchema(Schema):
    """The whole ``queue_mail`` call, so that an error names ``message.to_addr`` and the like."""

    class Meta:
        unknown = RAISE

    idempotency_key = fields.String(required=True, validate=validate.Length(min=1, max=160))
    message = fields.Nested(MessageSchema, required=True)
