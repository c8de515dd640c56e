"""The typed clients against the services' RPC signatures, read from the services' source with
ast (the gateway imports no service internals, and neither does this test at run time): a client
method whose keyword names or defaults drift from its RPC fails here, not in production."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from gateway import clients

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = [
    value
    for value in vars(clients).values()
    if isinstance(value, clients.ServiceClient) and value.service
]


def _rpc_signatures(service: str) -> dict[str, list[tuple[str, str | None]]]:
    """Each ``@rpc`` method of the service: its parameters (after self) and their defaults."""
    tree = ast.parse((ROOT / "services" / service / "service.py").read_text())
    found: dict[str, list[tuple[str, str | None]]] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        if not any(ast.unparse(d).split("(")[0] == "rpc" for d in node.decorator_list):
            continue
        params = [a.arg for a in node.args.args[1:]]
        defaults = [None] * (len(params) - len(node.args.defaults)) + [
            ast.unparse(d) for d in node.args.defaults
        ]
        found[node.name] = list(zip(params, defaults, strict=True))
    return found


def _client_signature(method: object) -> list[tuple[str, str | None]]:
    parameters = list(inspect.signature(method).parameters.values())[1:]
    assert all(p.kind is p.KEYWORD_ONLY for p in parameters), "client arguments are keywords"
    return [(p.name, None if p.default is p.empty else repr(p.default)) for p in parameters]


def test_every_service_has_one_client():
    assert sorted(c.service for c in CLIENTS) == sorted(
        p.parent.name for p in (ROOT / "services").glob("*/service.py")
    )


@pytest.mark.parametrize("client", CLIENTS, ids=lambda c: c.service)
def test_each_client_method_matches_its_rpc(client: clients.ServiceClient):
    rpcs = _rpc_signatures(client.service)
    methods = {
        name: member
        for name, member in inspect.getmembers(type(client), inspect.isfunction)
        if not name.startswith("_")
    }
    assert methods, f"the {client.service} client has no methods"
    for name, method in methods.items():
        assert name in rpcs, f"{client.service} has no RPC {name}"
        assert _client_signature(method) == rpcs[name], f"{client.service}.{name}"


def test_a_client_call_reaches_the_rpc_with_named_arguments(app, fake_rpc):
    with app.test_request_context():
        units = clients.survey.list_units(municipality_id=101)
    assert units == fake_rpc.survey.units[101]
    assert fake_rpc.calls[-1] == ("survey", "list_units", (), {"municipality_id": 101})
