"""Prometheus metrics of the gateway: request latency per endpoint, and logins.

Labels carry endpoint names only, never a municipality id or an e-mail.
"""

from __future__ import annotations

import time

from flask import Blueprint, Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, Counter, generate_latest

from services.common.metrics import ENTRYPOINT_LATENCY

LOGINS = Counter("platform_logins_total", "Login attempts by outcome.", ["outcome"])
for _outcome in ("success", "failure", "throttled", "sso_refused"):
    LOGINS.labels(outcome=_outcome)

bp = Blueprint("metrics", __name__)


def init_app(app: Flask) -> None:
    app.before_request(_start_timer)
    app.after_request(_observe)


def _start_timer() -> None:
    g.request_started = time.perf_counter()


def outcome(status: int) -> str:
    if status >= 500:
        return "error"
    if status >= 400:
        return "client_error"
    return "success"


def _observe(response: Response) -> Response:
    started = g.pop("request_started", None)
    if started is not None:
        ENTRYPOINT_LATENCY.labels(
            service="gateway",
            entrypoint=request.endpoint or "unknown",
            kind="http",
            outcome=outcome(response.status_code),
        ).observe(time.perf_counter() - started)
    return response


@bp.get("/metrics")
def metrics() -> Response:
    return Response(generate_latest(), content_type=CONTENT_TYPE_LATEST)
