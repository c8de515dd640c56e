"""RpcClient: bounded waits, broken proxies replaced, platform errors passed through."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from kombu import Connection, Exchange, Queue
from nameko.exceptions import RemoteError, RpcTimeout

import gateway.rpc
from gateway.rpc import RpcClient, ServiceUnavailable
from services.common.errors import NotFound

AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"
NAMEKO_CONFIG = {"AMQP_URI": AMQP_URI, "serializer": "json"}


@pytest.mark.integration
def test_unknown_service_is_unavailable_within_the_timeout():
    client = RpcClient(NAMEKO_CONFIG, timeout=1, pool_size=2)
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable) as caught:
        client.call(f"no_such_service_{uuid.uuid4().hex[:8]}", "health")
    assert time.monotonic() - started < 1 + 2
    assert caught.value.service.startswith("no_such_service_")
    client.close()


@pytest.mark.integration
def test_service_that_never_answers_times_out():
    """A queue is bound for the service but nobody consumes it: the reply never comes."""
    name = f"silent_service_{uuid.uuid4().hex[:8]}"
    with Connection(AMQP_URI) as connection:
        queue = Queue(
            f"rpc-{name}",
            Exchange("nameko-rpc", type="topic", durable=True),
            routing_key=f"{name}.*",
            auto_delete=False,
        )
        bound = queue(connection.channel())
        bound.declare()
        try:
            client = RpcClient(NAMEKO_CONFIG, timeout=1, pool_size=1)
            started = time.monotonic()
            with pytest.raises(ServiceUnavailable):
                client.call(name, "health")
            assert time.monotonic() - started < 1 + 2
            client.close()
        finally:
            bound.delete()


def test_broker_down_is_unavailable():
    client = RpcClient({"AMQP_URI": "amqp://guest:guest@127.0.0.1:1/"}, timeout=1, pool_size=1)
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable):
        client.call("survey", "health")
    assert time.monotonic() - started < 10


class FakeProxy:
    """Stands in for a started ClusterRpcProxy; behaviour set per test."""

    created: list[FakeProxy] = []
    behaviour: object = "ok"

    def __init__(self, nameko_config: dict, timeout: float) -> None:
        self.stopped = False
        FakeProxy.created.append(self)

    def call(self, service: str, method: str, *args: object, **kwargs: object) -> object:
        if isinstance(FakeProxy.behaviour, BaseException):
            raise FakeProxy.behaviour
        if FakeProxy.behaviour == "block":
            time.sleep(0.5)
        return {"service": service, "method": method, "args": list(args)}

    def stop(self) -> None:
        self.stopped = True


@pytest.fixture
def fake_proxies(monkeypatch):  # noqa: ANN001, ANN201
    FakeProxy.created = []
    FakeProxy.behaviour = "ok"
    monkeypatch.setattr(gateway.rpc, "_Proxy", FakeProxy)
    return FakeProxy


def test_proxies_are_created_lazily_and_reused(fake_proxies):
    client = RpcClient(NAMEKO_CONFIG, timeout=1, pool_size=3)
    assert fake_proxies.created == []
    for _ in range(5):
        assert client.call("survey", "list_rounds")["method"] == "list_rounds"
    assert len(fake_proxies.created) == 1


@pytest.mark.parametrize("error", [RpcTimeout(1), OSError("connection reset")])
def test_transport_error_discards_the_proxy(fake_proxies, error):
    client = RpcClient(NAMEKO_CONFIG, timeout=1, pool_size=1)
    client.call("survey", "health")
    fake_proxies.behaviour = error
    with pytest.raises(ServiceUnavailable):
        client.call("survey", "health")
    assert fake_proxies.created[0].stopped
    fake_proxies.behaviour = "ok"
    client.call("survey", "health")
    assert len(fake_proxies.created) == 2


@pytest.mark.parametrize(
    "error", [NotFound("no such unit", field="unit_id"), RemoteError("KeyError", "x")]
)
def test_service_errors_pass_through_and_keep_the_proxy(fake_proxies, error):
    client = RpcClient(NAMEKO_CONFIG, timeout=1, pool_size=1)
    fake_proxies.behaviour = error
    with pytest.raises(type(error)):
        client.call("survey", "list_units", 101)
    assert not fake_proxies.created[0].stopped
    fake_proxies.behaviour = "ok"
    client.call("survey", "health")
    assert len(fake_proxies.created) == 1


def test_a_service_whose_database_is_down_is_unavailable_and_keeps_the_proxy(fake_proxies):
    client = RpcClient(NAMEKO_CONFIG, timeout=1, pool_size=1)
    fake_proxies.behaviour = RemoteError("OperationalError", "connection refused")
    with pytest.raises(ServiceUnavailable) as caught:
        client.call("benchmark", "get_benchmark", 751, 2026)
    assert caught.value.service == "benchmark"
    assert not fake_proxies.created[0].stopped


def test_waiting_for_a_free_proxy_is_bounded(fake_proxies):
    client = RpcClient(NAMEKO_CONFIG, timeout=0.1, pool_size=1)
    fake_proxies.behaviour = "block"
    worker = threading.Thread(target=client.call, args=("survey", "health"))
    worker.start()
    time.sleep(0.05)
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable):
        client.call("survey", "health")
    assert time.monotonic() - started < 0.4
    worker.join()
