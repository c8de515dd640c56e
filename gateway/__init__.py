"""The web gateway: pages and JSON API for municipalities, talking to the services over RPC."""

from __future__ import annotations

import atexit
import hashlib
import secrets
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import NotFound
from werkzeug.routing import BaseConverter

from services.common import config
from services.common.numbers import try_parse_int
from services.common.years import is_round_year

MAX_CONTENT_LENGTH = 1024 * 1024
MIN_SECRET_KEY_LENGTH = 32
COOKIE_NAME = "baseline_session"
SECURE_COOKIE_NAME = "__Host-baseline_session"
# Forms: every non-file field together at most 1 MiB, at most 1000 fields (the answering page of
# the largest unit sends a few hundred); beyond that werkzeug stops parsing and answers 413.
MAX_FORM_MEMORY_SIZE = MAX_CONTENT_LENGTH
MAX_FORM_PARTS = 1000


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, signed with HMAC-SHA256 instead of its default SHA-1."""

    digest_method = staticmethod(hashlib.sha256)


class YearConverter(BaseConverter):
    """``<year:year>``: a round's year; any other number is no page at all (404), so a service
    never sees a year outside the range rounds can have. Refused with 404 here rather than by
    werkzeug's min/max, which answers 405 when another method's rule has the same path."""

    regex = r"[0-9]{1,12}"

    def to_python(self, value: str) -> int:
        year = try_parse_int(value, "year")
        if year is None or not is_round_year(year):
            raise NotFound()
        return year

    def to_url(self, value: int) -> str:
        return str(int(value))


class IdConverter(BaseConverter):
    """``<int:...>`` on every route: an id the database can hold, in ASCII digits, else 404.

    Replaces werkzeug's own ``int`` converter, which takes any Unicode decimal digit and any size
    (``/api/v1/reports/99999999999999999999`` reached the database and failed there); so a new
    route written with ``<int:...>`` is covered without anyone remembering to."""

    regex = r"[0-9]{1,10}"
    weight = 50

    def to_python(self, value: str) -> int:
        number = try_parse_int(value, minimum=1)
        if number is None:
            raise NotFound()
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))


def _secret_key(test_config: dict | None) -> str:
    """Signed session cookies need a stable, long key from the environment in production (never
    from a file or the code); locally a random one will do."""
    if test_config and test_config.get("SECRET_KEY"):
        return test_config["SECRET_KEY"]
    key = config.env("GATEWAY_SECRET_KEY", "")
    if config.is_production() and len(key) < MIN_SECRET_KEY_LENGTH:
        raise RuntimeError(
            "GATEWAY_SECRET_KEY must be set (at least "
            f"{MIN_SECRET_KEY_LENGTH} characters) when PLATFORM_ENV=production"
        )
    return key or secrets.token_hex(32)


def create_app(test_config: dict[str, Any] | None = None, rpc: Any = None) -> Flask:
    """Build the gateway; tests pass their own config and a fake RPC client."""
    app = Flask(__name__)
    app.url_map.converters["year"] = YearConverter
    app.url_map.converters["int"] = IdConverter
    app.session_interface = SessionInterface()
    idle_minutes = float(config.env("SESSION_IDLE_MINUTES", "30"))
    absolute_hours = float(config.env("SESSION_ABSOLUTE_HOURS", "12"))
    app.config.from_mapping(
        SECRET_KEY=_secret_key(test_config),
        DATABASE_URL=config.database_url("gateway"),
        # Over HTTPS the __Host- prefix makes the browser refuse the cookie from a subdomain or
        # for another path, so a sibling site cannot plant or overwrite the session.
        SESSION_COOKIE_NAME=SECURE_COOKIE_NAME if config.is_production() else COOKIE_NAME,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.is_production(),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=absolute_hours),
        SESSION_IDLE_SECONDS=idle_minutes * 60,
        SESSION_ABSOLUTE_SECONDS=absolute_hours * 3600,
        MAX_CONTENT_LENGTH=MAX_CONTENT_LENGTH,
        MAX_FORM_MEMORY_SIZE=MAX_FORM_MEMORY_SIZE,
        MAX_FORM_PARTS=MAX_FORM_PARTS,
        RETRY_AFTER_SECONDS=30,
        RPC_TIMEOUT=config.rpc_timeout(),
        JSON_SORT_KEYS=False,
    )
    if test_config:
        app.config.update(test_config)
    trusted_proxies = int(
        app.config.get("TRUSTED_PROXIES", config.env("GATEWAY_TRUSTED_PROXIES", "0"))
    )
    if trusted_proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies)

    if rpc is None:
        from gateway.rpc import RpcClient

        rpc = RpcClient(timeout=app.config["RPC_TIMEOUT"])
        atexit.register(rpc.close)
    app.extensions["rpc"] = rpc

    from gateway import auth, db, errors, frontend, health, i18n, metrics, oidc, security
    from gateway.api import api
    from gateway.pages import register_pages

    metrics.init_app(app)
    db.init_app(app)
    auth.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    frontend.init_app(app)
    errors.init_app(app)
    app.register_blueprint(auth.bp)
    oidc.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(metrics.bp)
    app.register_blueprint(api)
    register_pages(app)
    from gateway.pages import delegation, delegation_delegate

    app.register_blueprint(delegation.bp)
    app.register_blueprint(delegation_delegate.bp)
    from gateway.pages import benchmark, history_trend

    app.register_blueprint(benchmark.bp)
    app.register_blueprint(history_trend.bp)
    from gateway.pages import reports, reports_kl

    app.register_blueprint(reports.bp)
    app.register_blueprint(reports_kl.bp)
    from gateway.pages import account, account_links, audit_trail, onboarding, users

    for module in (account, account_links, audit_trail, onboarding, users):
        app.register_blueprint(module.bp)
    return app
