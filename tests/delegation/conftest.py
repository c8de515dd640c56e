"""The gateway fixtures (fake RPC client, app, logins) for the delegation gateway tests."""

from tests.gateway.conftest import (  # noqa: F401 - fixtures shared with tests/gateway
    api_headers,
    app,
    app_config,
    client,
    csrf,
    fake_rpc,
    fast_password_hashing,
    login,
)
