"""Starting service containers in the test process against the real broker and database."""

from __future__ import annotations

import time
from collections.abc import Callable

from kombu import Connection
from nameko.events import EventHandler
from nameko.standalone.rpc import ClusterRpcProxy

ACTOR = {"user_id": 1, "name": "Mette Kjær", "role": "coordinator"}


def wait_for(check: Callable[[], object], timeout: float = 15, interval: float = 0.1) -> object:
    """Poll until ``check`` returns something truthy; the event path is asynchronous."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s; last result {result!r}")
        time.sleep(interval)


def rpc_proxy(config: dict, timeout: float = 10) -> ClusterRpcProxy:
    return ClusterRpcProxy(config, timeout=timeout)


def queue_names(service_cls: type) -> list[str]:
    """The durable queues nameko declares for a service: its RPC queue and one per handler."""
    names = [f"rpc-{service_cls.name}"]
    for attr in dir(service_cls):
        for entrypoint in getattr(getattr(service_cls, attr), "nameko_entrypoints", ()):
            if isinstance(entrypoint, EventHandler):
                names.append(
                    f"evt-{entrypoint.source_service}-{entrypoint.event_type}"
                    f"--{service_cls.name}.{attr}"
                )
    return names


def fresh_queues(amqp_uri: str, *service_classes: type) -> None:
    """Delete the services' queues, so that no message of an earlier test leaks into this one."""
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        for service_cls in service_classes:
            for name in queue_names(service_cls):
                channel.queue_delete(name)


def start_services(container_factory, config: dict, *service_classes: type) -> None:  # noqa: ANN001
    """Start services in the test process on fresh queues."""
    fresh_queues(config["AMQP_URI"], *service_classes)
    for service_cls in service_classes:
        container_factory(service_cls, config).start()
