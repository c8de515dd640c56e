"""``GET /api/v1/audit``: the coordinator's audit trail as JSON (the admin's: national)."""

from __future__ import annotations

from typing import Any

from flask import abort, g, jsonify
from marshmallow import Schema, fields, validate

from gateway import audit
from gateway.api import api, load_query, operation
from gateway.auth import login_required
from gateway.db import get_db
from gateway.pages.audit_trail import ACTION_GROUPS
from services.common.validation import DbInteger

MAX_ROWS = 1000


class AuditQuerySchema(Schema):
    fra = fields.Date(metadata={"description": "first day YYYY-MM-DD (Danish), inclusive"})
    til = fields.Date(metadata={"description": "last day YYYY-MM-DD (Danish), inclusive"})
    handling = fields.String(
        validate=validate.OneOf(ACTION_GROUPS),
        metadata={"description": "action group: " + ", ".join(ACTION_GROUPS)},
    )
    person = fields.String(
        validate=validate.Length(max=100), metadata={"description": "part of the actor's name"}
    )
    limit = DbInteger(
        validate=validate.Range(min=1, max=MAX_ROWS),
        metadata={"description": f"at most {MAX_ROWS} (the default)"},
    )


class AuditEntrySchema(Schema):
    id = fields.Integer()
    time = fields.String(metadata={"description": "UTC, ISO 8601"})
    municipality_id = fields.Integer(allow_none=True)
    actor = fields.String()
    actor_user_id = fields.Integer(allow_none=True)
    role = fields.String()
    action = fields.String()
    target = fields.String(allow_none=True)
    detail = fields.Dict(allow_none=True)


@api.get("/audit")
@operation(
    "The audit trail, newest first",
    response=AuditEntrySchema(many=True),
    query=AuditQuerySchema(),
    errors=(403,),
    tags=("audit",),
    description="Coordinators get their municipality's trail; the administrator the national "
    "one (onboarding, rounds, KL logins). Other roles: 403.",
)
@login_required
def audit_trail() -> Any:
    national = g.user.role == "admin"
    if not national and g.user.role != "coordinator":
        abort(403)
    query = load_query(AuditQuerySchema())
    filters = audit.Filters(
        date_from=query.get("fra"),
        date_to=query.get("til"),
        action=query.get("handling", ""),
        actor=query.get("person", ""),
    )
    tenant = None if national else g.user.municipality_id
    limit = query.get("limit", MAX_ROWS)
    rows = audit.entries(get_db(), tenant, filters, limit, national=national)
    return jsonify([audit.as_dict(r) for r in rows])
