"""The services' RPC entrypoint: a reply lost to a broker outage does not stop the service, and
an id beyond the database's integer column is refused before the method runs."""

from types import SimpleNamespace

import pytest
from kombu.exceptions import OperationalError
from nameko.exceptions import IncorrectSignature
from nameko.rpc import RpcConsumer

from services.common.errors import ValidationFailed
from services.common.metrics import RPC_REPLIES_LOST
from services.common.rpc import OutageTolerantRpc, OutageTolerantRpcConsumer


def test_a_lost_reply_is_counted_instead_of_raised(monkeypatch):
    def broker_gone(self, message, result, exc_info):  # noqa: ANN001
        raise OperationalError("[Errno 111] ECONNREFUSED")

    monkeypatch.setattr(RpcConsumer, "handle_result", broker_gone)
    consumer = OutageTolerantRpcConsumer()
    consumer.container = SimpleNamespace(service_name="example")
    counted = RPC_REPLIES_LOST.labels(service="example")
    before = counted._value.get()
    assert consumer.handle_result(object(), {"saved": 1}, None) == ({"saved": 1}, None)
    assert counted._value.get() == before + 1


def test_other_errors_still_raise(monkeypatch):
    def bug(self, message, result, exc_info):  # noqa: ANN001
        raise KeyError("a bug, not an outage")

    monkeypatch.setattr(RpcConsumer, "handle_result", bug)
    consumer = OutageTolerantRpcConsumer()
    consumer.container = SimpleNamespace(service_name="example")
    with pytest.raises(KeyError):
        consumer.handle_result(object(), None, None)


class Example:
    def get_unit(self, municipality_id, unit_id, actor=None):  # noqa: ANN001, ANN201
        return unit_id


def _entrypoint(method: str) -> OutageTolerantRpc:
    entrypoint = OutageTolerantRpc()
    entrypoint.container = SimpleNamespace(service_cls=Example, service_name="example")
    entrypoint.method_name = method
    return entrypoint


@pytest.mark.parametrize(
    "args,kwargs,field",
    [
        ((101, 2**31), {}, "unit_id"),
        ((101,), {"unit_id": 10**20}, "unit_id"),
        ((2**63, 1), {}, "municipality_id"),
    ],
)
def test_ids_beyond_the_integer_column_never_reach_the_method(args, kwargs, field):
    """nameko returns what check_signature raises to the caller, so this is the caller's 422."""
    with pytest.raises(ValidationFailed) as refused:
        _entrypoint("get_unit").check_signature(args, kwargs)
    assert refused.value.field == field


def test_ids_in_range_and_wrong_signatures_behave_as_before():
    _entrypoint("get_unit").check_signature((101, 2**31 - 1), {"actor": {"user_id": 1}})
    with pytest.raises(IncorrectSignature):
        _entrypoint("get_unit").check_signature((101,), {})
