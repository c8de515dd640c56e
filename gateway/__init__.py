"""The web gateway: pages and JSON API for municipalities, talking to the services over RPC."""

from __future__ import annotations

import atexit
import secrets
from datetime import timedelta
from typing import Any

from flask import Flask

from services.common import config

MAX_CONTENT_LENGTH = 1024 * 1024
# Forms: every non-file field together at most 1 MiB, at most 1000 fields (the answering page of
# the largest unit sends a few hundred); beyond that werkzeug stops parsing and answers 413.
MAX_FORM_MEMORY_SIZE = MAX_CONTENT_LENGTH
MAX_FORM_PARTS = 1000


def _secret_key(test_config: dict | None) -> str:
    """Signed session cookies need a stable key in production; locally any key will do."""
    if test_config and test_config.get("SECRET_KEY"):
        return test_config["SECRET_KEY"]
    key = config.env("GATEWAY_SECRET_KEY", "")
    if key:
        return key
    if config.is_production():
        raise RuntimeError("GATEWAY_SECRET_KEY must be set when PLATFORM_ENV=production")
    return secrets.token_hex(32)


def create_app(test_config: dict[str, Any] | None = None, rpc: Any = None) -> Flask:
    """Build the gateway; tests pass their own config and a fake RPC client."""
    app = Flask(__name__)
    lifetime = int(config.env("SESSION_LIFETIME_MINUTES", "480"))
    app.config.from_mapping(
        SECRET_KEY=_secret_key(test_config),
        DATABASE_URL=config.database_url("gateway"),
        SESSION_COOKIE_NAME="baseline_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.is_production(),
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=lifetime),
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

    from gateway import auth, db, errors, health, i18n, metrics, security
    from gateway.api import api
    from gateway.pages import register_pages

    metrics.init_app(app)
    db.init_app(app)
    auth.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    app.register_blueprint(auth.bp)
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
    return app
