"""Production entry point: ``python -m gateway.wsgi`` serves the gateway with waitress."""

from __future__ import annotations

import logging
from typing import Any

from waitress import serve

from gateway import create_app
from services.common import config


def serve_options() -> dict[str, Any]:
    """waitress's settings. waitress drops ``X-Forwarded-*`` itself unless told otherwise, which
    would leave ``GATEWAY_TRUSTED_PROXIES`` (werkzeug's ProxyFix in ``create_app``) nothing to
    read: behind a proxy every client would share its address and one client's failures would
    throttle everybody. So with trusted proxies the headers pass and ProxyFix alone decides."""
    trusted = int(config.env("GATEWAY_TRUSTED_PROXIES", "0"))
    return {
        "host": config.env("GATEWAY_HOST", "127.0.0.1"),
        "port": int(config.env("GATEWAY_PORT", "5000")),
        "threads": 16,
        "ident": "sikkerhedsbaseline",
        "clear_untrusted_proxy_headers": trusted == 0,
    }


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    serve(create_app(), **serve_options())


if __name__ == "__main__":
    main()
