"""Turning errors into answers: problem+json under /api/, friendly pages elsewhere.

Service errors keep their meaning (404 stays 404, a 422 names its field); a dead service is a
503 that says which part is down; anything unexpected is a 500 without internals.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app, render_template, request
from nameko.exceptions import RemoteError
from werkzeug.exceptions import HTTPException

from gateway.i18n import has_text, t
from gateway.problems import problem
from gateway.rpc import ServiceUnavailable
from services.common.errors import PlatformError

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(PlatformError, handle_platform)
    app.register_error_handler(ServiceUnavailable, handle_unavailable)
    app.register_error_handler(RemoteError, handle_unexpected)
    if not app.testing:
        app.register_error_handler(Exception, handle_unexpected)


def wants_problem() -> bool:
    return request.path.startswith("/api/")


def error_page(status: int, message: str | None = None, **context: Any) -> tuple[str, int]:
    """The Danish (or English) error page; statuses without their own text get the generic one."""
    shown = status if has_text(f"error.{status}.title") else (500 if status >= 500 else 400)
    return render_template("error.html", status=shown, message=message, **context), status


def handle_http(exc: HTTPException) -> Any:
    status = exc.code or 500
    if wants_problem():
        detail = exc.description
        if status == 404:
            detail = "No such resource in this API."
        return problem(status, detail)
    if status == 413:
        return error_page(status, t("error.413"))
    own_message = exc.description if exc.description != type(exc).description else None
    return error_page(status, own_message)


def handle_platform(exc: PlatformError) -> Any:
    if wants_problem():
        return problem(
            exc.status, exc.detail, title=exc.title, field=exc.field, errors=exc.errors or None
        )
    return error_page(exc.status)


def retry_after() -> str:
    return str(current_app.config["RETRY_AFTER_SECONDS"])


def handle_unavailable(exc: ServiceUnavailable) -> Any:
    if wants_problem():
        return problem(
            503,
            f"The {exc.service} service did not answer in time. Try again shortly.",
            type_="urn:sikkerhedsbaseline:problem:service-unavailable",
            title="Service unavailable",
            headers={"Retry-After": retry_after()},
            service=exc.service,
        )
    body, status = error_page(503, services_down=[exc.service])
    return body, status, {"Retry-After": retry_after()}


def handle_unexpected(exc: Exception) -> Any:
    log.exception("unexpected error on %s %s", request.method, request.endpoint)
    if wants_problem():
        return problem(500, "Something went wrong on our side. It has been logged.")
    return error_page(500)
