"""A reply that cannot be sent because the broker went away does not stop the service."""

from types import SimpleNamespace

import pytest
from kombu.exceptions import OperationalError
from nameko.rpc import RpcConsumer

from services.common.metrics import RPC_REPLIES_LOST
from services.common.rpc import OutageTolerantRpcConsumer


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
