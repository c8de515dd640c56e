"""The production server in front of the app: waitress must let a trusted proxy's
``X-Forwarded-For`` reach ProxyFix, or every client behind the proxy shares one address and one
client's failures throttle all of them (delegates and staff behind a municipality's NAT)."""

from __future__ import annotations

import threading

import pytest
import requests
from waitress.server import create_server

from gateway import create_app, wsgi
from gateway.access import client_ip


def serve_remote_addr(monkeypatch, tmp_path, fake_rpc, trusted: str):  # noqa: ANN001, ANN201
    """A waitress server with ``wsgi.serve_options`` around the gateway, plus a page that echoes
    the address its throttling sees (``auth.client_ip``)."""
    monkeypatch.setenv("GATEWAY_TRUSTED_PROXIES", trusted)
    monkeypatch.setenv("GATEWAY_PORT", "0")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/wsgi.db", "SECRET_KEY": "k"}, fake_rpc)
    app.add_url_rule("/ip", "ip", client_ip)
    options = {**wsgi.serve_options(), "threads": 1}
    server = create_server(app, **options)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    return server, thread


@pytest.mark.parametrize(("trusted", "seen"), [("1", "192.0.2.7"), ("0", "127.0.0.1")])
def test_the_client_address_behind_a_trusted_proxy_reaches_the_app(
    monkeypatch, tmp_path, fake_rpc, trusted, seen
):
    server, thread = serve_remote_addr(monkeypatch, tmp_path, fake_rpc, trusted)
    try:
        url = f"http://127.0.0.1:{server.effective_port}/ip"
        forwarded = {"X-Forwarded-For": "192.0.2.7", "Connection": "close"}
        answer = requests.get(url, headers=forwarded, timeout=5)
        assert answer.text == seen
    finally:
        server.close()
        server.task_dispatcher.shutdown()
        thread.join(timeout=5)
