"""CSRF protection and browser security headers: the one place that sets them.

Forms carry the session's token in a hidden field; JSON API calls send it in ``X-CSRF-Token``
(checked in the API blueprint). SameSite=Lax cookies already stop most cross-site posts; the
token also covers old browsers and same-site subdomains.

Every response gets a Content-Security-Policy without inline scripts or styles (templates keep
scripts and styles in ``gateway/static``; ``tests/gateway/test_gateway_security_headers.py``
refuses inline ones), is never framed, sniffed or cached, and leaks no referrer across sites.
Delegate link pages send no referrer at all: the token in their URL is the delegate's key.
HSTS is sent only on HTTPS requests; behind a reverse proxy the scheme comes from
``X-Forwarded-Proto`` only when ``GATEWAY_TRUSTED_PROXIES`` says how many proxies to trust.
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
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"
# Pages whose URL is a secret (the delegate's token): no Referer to anybody, not even ourselves.
NO_REFERRER_ENDPOINTS = frozenset({"delegate.page"})


def init_app(app: Flask) -> None:
    app.before_request(refuse_unstorable_input)
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


def refuse_unstorable_input() -> ResponseReturnValue | None:
    """A NUL in a query or form value (``%00``) is a 400 before it reaches any database.

    JSON bodies and API queries are checked field by field in ``services.common.validation``.
    """
    if request.path.startswith("/api/"):
        return None
    sources = (request.args, request.form) if request.method in UNSAFE_METHODS else (request.args,)
    if any(
        "\x00" in value for source in sources for _, values in source.lists() for value in values
    ):
        abort(400, description=t("input.unstorable"))
    return None


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
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.endpoint in NO_REFERRER_ENDPOINTS:
        response.headers["Referrer-Policy"] = "no-referrer"
    else:
        response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if request.endpoint and request.endpoint not in ("static", "dkfds.asset"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response
