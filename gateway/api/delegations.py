"""``/api/v1/delegations``: delegate questions, follow them, review and manage them.

For the coordinator and unit leads (a unit lead within their own units). The municipality is
the session's; another municipality's delegation is a 404. The delegate's side is the page
behind the e-mailed link, not this API: a link is a narrow capability, not an API login.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for
from marshmallow import Schema, fields, validate

from gateway.api import api, load_body, load_query, operation
from gateway.api.schemas import InputSchema
from gateway.auth import municipality_id, roles_required
from gateway.pages.delegation import MANAGERS, manager
from gateway.rpc import call
from services.common.validation import DbInteger

STATES = ("assigned", "in_progress", "submitted", "sent_back", "approved", "revoked")
KINDS = ("question", "questions", "area", "unit")
DATE = {"format": "date", "description": "YYYY-MM-DD"}

# ---- input ---------------------------------------------------------------------------------


class DelegationInSchema(InputSchema):
    """What to delegate to whom. ``kind``: one question, a set, a focus area (``area_key``) or
    every unit-scoped question of the unit; ``unit_id`` null means the municipality-wide
    questions."""

    year = DbInteger(required=True, strict=True)
    unit_id = DbInteger(allow_none=True, load_default=None, strict=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    question_keys = fields.List(
        fields.String(validate=validate.Length(min=1, max=80)),
        load_default=list,
        validate=validate.Length(max=500),
    )
    area_key = fields.String(allow_none=True, load_default=None)
    delegate_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    delegate_email = fields.Email(required=True)
    message = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=2000))
    due_date = fields.String(required=True, metadata=DATE)


class RedelegateInSchema(InputSchema):
    """The new recipient; the old link stops working at once."""

    delegate_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    delegate_email = fields.Email(required=True)
    message = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=2000))
    due_date = fields.String(allow_none=True, load_default=None, metadata=DATE)


class ExtendInSchema(InputSchema):
    due_date = fields.String(required=True, metadata=DATE)


class SendBackInSchema(InputSchema):
    comment = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class NoteInSchema(InputSchema):
    """An optional note kept in the delegation's history."""

    comment = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=2000))


class DigestInSchema(InputSchema):
    enabled = fields.Boolean(required=True)


class DelegationsQuerySchema(InputSchema):
    year = DbInteger(required=True)
    unit_id = DbInteger(load_default=None)
    state = fields.String(load_default=None, validate=validate.OneOf(STATES))


class YearQuerySchema(InputSchema):
    year = DbInteger(required=True)


# ---- output --------------------------------------------------------------------------------


class DelegationSchema(Schema):
    id = fields.Integer(required=True)
    year = fields.Integer(required=True)
    unit_id = fields.Integer(allow_none=True)
    unit_name = fields.String(allow_none=True)
    kind = fields.String(validate=validate.OneOf(KINDS))
    area_key = fields.String(allow_none=True)
    question_keys = fields.List(fields.String())
    delegate_name = fields.String()
    delegate_email = fields.String()
    message = fields.String(allow_none=True)
    due_date = fields.String(metadata=DATE)
    expires_at = fields.String(
        metadata={"format": "date-time", "description": "When the delegate's link stops working."}
    )
    link_valid_through = fields.String(
        metadata={**DATE, "description": "Last day the delegate's link works."}
    )
    state = fields.String(validate=validate.OneOf(STATES))
    active = fields.Boolean()
    overdue = fields.Boolean()
    review_comment = fields.String(allow_none=True)
    delegator_name = fields.String()
    replaces_id = fields.Integer(allow_none=True)
    revision = fields.Integer()
    created_at = fields.String(metadata={"format": "date-time"})
    updated_at = fields.String(metadata={"format": "date-time"})
    mail_failed = fields.Boolean(
        metadata={"description": "An e-mail to the delegate could never be delivered."}
    )
    mail_error = fields.String(allow_none=True)
    mail_pending = fields.Integer()


class TransitionSchema(Schema):
    action = fields.String()
    from_state = fields.String(allow_none=True)
    to_state = fields.String()
    actor_name = fields.String()
    actor_role = fields.String()
    comment = fields.String(allow_none=True)
    at = fields.String(metadata={"format": "date-time"})


class MailSchema(Schema):
    kind = fields.String()
    to_name = fields.String()
    to_addr = fields.String()
    state = fields.String(validate=validate.OneOf(("pending", "sent", "failed", "cancelled")))
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    created_at = fields.String(metadata={"format": "date-time"})
    sent_at = fields.String(allow_none=True, metadata={"format": "date-time"})


class DelegationDetailSchema(DelegationSchema):
    transitions = fields.List(fields.Nested(TransitionSchema))
    mails = fields.List(fields.Nested(MailSchema))


class DelegatedQuestionSchema(Schema):
    question_key = fields.String()
    delegation_id = fields.Integer()
    delegate_name = fields.String()
    state = fields.String()
    overdue = fields.Boolean()
    due_date = fields.String(metadata=DATE)
    mail_failed = fields.Boolean()


class TargetSchema(Schema):
    """The municipality (unit_id null) or one unit, with its delegated questions per area."""

    unit_id = fields.Integer(allow_none=True)
    unit_name = fields.String(allow_none=True)
    areas = fields.Dict(
        keys=fields.String(), values=fields.List(fields.Nested(DelegatedQuestionSchema))
    )


class DelegationOverviewSchema(Schema):
    year = fields.Integer()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    open = fields.Integer()
    overdue = fields.Integer()
    awaiting_review = fields.Integer()
    mail_failed = fields.Integer()
    targets = fields.List(fields.Nested(TargetSchema))


class DigestSchema(Schema):
    enabled = fields.Boolean(required=True)


# ---- views ---------------------------------------------------------------------------------

TAGS = ("delegations",)


@api.get("/delegations")
@operation(
    "Delegations of a round (a unit lead sees those of their own units)",
    query=DelegationsQuerySchema(),
    response=DelegationSchema(many=True),
    tags=TAGS,
)
@roles_required(*MANAGERS)
def list_delegations() -> Any:
    query = load_query(DelegationsQuerySchema())
    found = call(
        "delegation",
        "list_delegations",
        municipality_id(),
        query["year"],
        manager(),
        unit_id=query["unit_id"],
        state=query["state"],
    )
    return jsonify(found)


@api.post("/delegations")
@operation(
    "Delegate questions to a person; they get an e-mail with their link",
    request=DelegationInSchema(),
    response=DelegationSchema(),
    status=201,
    errors=(404, 409),
    tags=TAGS,
)
@roles_required(*MANAGERS)
def create_delegation() -> Any:
    data = load_body(DelegationInSchema())
    year = data.pop("year")
    created = call("delegation", "create_delegation", municipality_id(), year, data, manager())
    location = url_for("api.get_delegation", delegation_id=created["id"])
    return jsonify(created), 201, {"Location": location}


@api.get("/delegations/overview")
@operation(
    "Per unit and focus area: what is delegated to whom, its state, what is overdue",
    query=YearQuerySchema(),
    response=DelegationOverviewSchema(),
    tags=TAGS,
)
@roles_required(*MANAGERS)
def delegation_overview() -> Any:
    year = load_query(YearQuerySchema())["year"]
    return jsonify(call("delegation", "overview", municipality_id(), year, manager()))


@api.get("/delegations/digest")
@operation("Whether you get the daily digest e-mail", response=DigestSchema(), tags=TAGS)
@roles_required(*MANAGERS)
def get_digest() -> Any:
    return jsonify(call("delegation", "get_digest", municipality_id(), manager()))


@api.put("/delegations/digest")
@operation(
    "Turn the daily digest e-mail on or off",
    request=DigestInSchema(),
    response=DigestSchema(),
    tags=TAGS,
)
@roles_required(*MANAGERS)
def set_digest() -> Any:
    enabled = load_body(DigestInSchema())["enabled"]
    return jsonify(call("delegation", "set_digest", municipality_id(), manager(), enabled))


@api.get("/delegations/<int:delegation_id>")
@operation(
    "One delegation with its history (who moved it, when) and its e-mails",
    response=DelegationDetailSchema(),
    errors=(404,),
    tags=TAGS,
)
@roles_required(*MANAGERS)
def get_delegation(delegation_id: int) -> Any:
    return jsonify(
        call("delegation", "get_delegation", municipality_id(), delegation_id, manager())
    )


@api.post("/delegations/<int:delegation_id>/approve")
@operation(
    "Approve submitted answers",
    request=NoteInSchema(),
    response=DelegationDetailSchema(),
    errors=(404, 409),
    tags=TAGS,
)
@roles_required(*MANAGERS)
def approve_delegation(delegation_id: int) -> Any:
    note = load_body(NoteInSchema())["comment"]
    result = call(
        "delegation", "approve_delegation", municipality_id(), delegation_id, manager(), note
    )
    return jsonify(result)


@api.post("/delegations/<int:delegation_id>/send-back")
@operation(
    "Send submitted answers back with a comment; the delegate gets an e-mail",
    request=SendBackInSchema(),
    response=DelegationDetailSchema(),
    errors=(404, 409),
    tags=TAGS,
)
@roles_required(*MANAGERS)
def send_back_delegation(delegation_id: int) -> Any:
    comment = load_body(SendBackInSchema())["comment"]
    result = call(
        "delegation", "send_back_delegation", municipality_id(), delegation_id, comment, manager()
    )
    return jsonify(result)


@api.post("/delegations/<int:delegation_id>/extend")
@operation(
    "Move the due date; the link's expiry moves with it",
    request=ExtendInSchema(),
    response=DelegationDetailSchema(),
    errors=(404, 409),
    tags=TAGS,
)
@roles_required(*MANAGERS)
def extend_delegation(delegation_id: int) -> Any:
    due_date = load_body(ExtendInSchema())["due_date"]
    result = call(
        "delegation", "extend_delegation", municipality_id(), delegation_id, due_date, manager()
    )
    return jsonify(result)


@api.post("/delegations/<int:delegation_id>/redelegate")
@operation(
    "Hand the same questions to someone else; returns the new delegation",
    request=RedelegateInSchema(),
    response=DelegationSchema(),
    status=201,
    errors=(404, 409),
    tags=TAGS,
)
@roles_required(*MANAGERS)
def redelegate(delegation_id: int) -> Any:
    data = load_body(RedelegateInSchema())
    created = call("delegation", "redelegate", municipality_id(), delegation_id, data, manager())
    location = url_for("api.get_delegation", delegation_id=created["id"])
    return jsonify(created), 201, {"Location": location}


@api.post("/delegations/<int:delegation_id>/revoke")
@operation(
    "Revoke a delegation; its link stops working at once, saved answers stay",
    request=NoteInSchema(),
    response=DelegationDetailSchema(),
    errors=(404, 409),
    tags=TAGS,
)
@roles_required(*MANAGERS)
def revoke_delegation(delegation_id: int) -> Any:
    note = load_body(NoteInSchema())["comment"]
    result = call(
        "delegation", "revoke_delegation", municipality_id(), delegation_id, manager(), note
    )
    return jsonify(result)
