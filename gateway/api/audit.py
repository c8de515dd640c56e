"""``GET /api/v1/audit``: the coordinator's audit trail as JSON (the admin's: national)."""

from __future__ import annotations

from typing import Any

from flask import abort, g, jsonify, request
from marshmallow import Schema, fields

from gateway import audit
from gateway.api import api, operation
from gateway.auth import login_required
from gateway.db import get_db
from gateway.pages.audit_trail import filters_from

MAX_ROWS = 1000


class AuditQuerySchema(Schema):
    fra = fields.String(metadata={"description": "first day YYYY-MM-DD (Danish), inclusive"})
    til = fields.String(metadata={"description": "last day YYYY-MM-DD (Danish), inclusive"})
    handling = fields.String(metadata={"description": "action group, e.g. login, answers"})
    person = fields.String(metadata={"description": "part of the actor's name"})
    limit = fields.Integer(metadata={"description": f"at most {MAX_ROWS}"})


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
    raw_limit = request.args.get("limit", "")
    limit = min(int(raw_limit), MAX_ROWS) if raw_limit.isdigit() and int(raw_limit) else MAX_ROWS
    tenant = None if national else g.user.municipality_id
    rows = audit.entries(get_db(), tenant, filters_from(request.args), limit, national=national)
    return jsonify([audit.as_dict(r) for r in rows])
