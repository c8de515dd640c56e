"""``GET /api/v1/me``: who is logged in, and the CSRF token for changes."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify

from gateway.access import login_required
from gateway.api.base import api, operation
from gateway.api.schemas import MeSchema
from gateway.security import csrf_token


@api.get("/me")
@operation("The logged-in user and the CSRF token", response=MeSchema(), tags=("session",))
@login_required
def me() -> Any:
    user = g.user
    return jsonify(
        id=user.id,
        name=user.name,
        email=user.email,
        role=user.role,
        municipality_id=user.municipality_id,
        unit_id=user.unit_id,
        language=user.language,
        csrf_token=csrf_token(),
    )
