"""Production entry point: ``python -m gateway.wsgi`` serves the gateway with waitress."""

from __future__ import annotations

import logging

from waitress import serve

from gateway import create_app
from services.common import config

app = create_app()


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    host = config.env("GATEWAY_HOST", "127.0.0.1")
    port = int(config.env("GATEWAY_PORT", "5000"))
    serve(app, host=host, port=port, threads=16, ident="sikkerhedsbaseline")


if __name__ == "__main__":
    main()
