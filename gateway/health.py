"""``/healthz``: is the gateway up and its database reachable; ``?deep=1`` asks every service."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import text

from gateway.db import get_db
from services.common.config import SERVICES

bp = Blueprint("health", __name__)


def _database_ok() -> bool:
    try:
        get_db().execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False
    return True


def _service_status(rpc: Any, service: str) -> str:
    """The RPC client bounds the wait by its timeout; any error counts as down."""
    try:
        reply = rpc.call(service, "health")
    except Exception:  # noqa: BLE001 - a health check reports, it does not raise
        return "unavailable"
    return "ok" if isinstance(reply, dict) and reply.get("status") == "ok" else "unhealthy"


@bp.get("/healthz")
def healthz() -> Any:
    body: dict[str, Any] = {"status": "ok", "database": "ok"}
    healthy = _database_ok()
    if not healthy:
        body["database"] = "unavailable"
    if request.args.get("deep") in ("1", "true", "yes"):
        rpc = current_app.extensions["rpc"]
        with ThreadPoolExecutor(max_workers=len(SERVICES)) as pool:
            statuses = pool.map(lambda service: _service_status(rpc, service), SERVICES)
            body["services"] = dict(zip(SERVICES, statuses, strict=True))
        healthy = healthy and all(s == "ok" for s in body["services"].values())
    if not healthy:
        body["status"] = "unavailable"
    return jsonify(body), 200 if healthy else 503
