"""CSRF protection and browser security headers.

Forms carry the session's token in a hidden field; JSON API calls send it in ``X-CSRF-Token``
(checked in the API blueprint). SameSite=Lax cookies already stop most cross-site posts; the
token also covers old browsers and same-site subdomains.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, Response, abort, request, session
from flask.typing import ResponseReturnValue

from gateway.i18n import t

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def init_app(app: Flask) -> None:
    app.before_request(check_form_csrf)
    app.after_request(add_security_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token


def new_csrf_token() -> str:
    session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def csrf_token() -> str:
    """The session's token, created on first use (the login form needs one too)."""
    return session.get("csrf") or new_csrf_token()


def token_matches(candidate: str | None) -> bool:
    expected = session.get("csrf")
    return bool(expected and candidate) and hmac.compare_digest(expected, candidate)


def check_form_csrf() -> ResponseReturnValue | None:
    """Every state-changing form post must carry the session's token (400 otherwise)."""
    if request.method not in UNSAFE_METHODS or request.path.startswith("/api/"):
        return None
    if not token_matches(request.form.get("csrf_token")):
        abort(400, description=t("csrf.failed"))
    return None


def add_security_headers(response: Response) -> Response:
    """Pages hold one municipality's data: never framed, sniffed or cached."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.endpoint and request.endpoint not in ("static", "dkfds.asset"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response
