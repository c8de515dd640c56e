"""RPC to the services through a small pool of nameko standalone proxies.

A standalone proxy is single-threaded, so each call checks one out of a queue and returns it
afterwards. Every wait is bounded by the RPC timeout: a dead service, a dead broker or a busy
pool becomes ``ServiceUnavailable`` (a 503 for the user) instead of a hanging request thread.
A proxy that failed on the transport is thrown away, because its reply queue or connection may
be broken; a fresh one is started lazily the next time its slot is used. A service whose own
database cannot be reached answers with SQLAlchemy's ``OperationalError``: that part of the
platform is down as well, so it is a 503 for that service too, and the rest keeps working.
"""

from __future__ import annotations

import logging
import queue
from typing import Any

from amqp.exceptions import AMQPError
from flask import current_app
from kombu.exceptions import KombuError
from nameko.exceptions import RemoteError, RpcTimeout, UnknownService
from nameko.standalone.rpc import ClusterRpcProxy

from services.common import config

log = logging.getLogger(__name__)

TRANSPORT_ERRORS = (RpcTimeout, UnknownService, OSError, KombuError, AMQPError, RuntimeError)
DATABASE_DOWN = frozenset({"OperationalError", "InterfaceError"})


class ServiceUnavailable(Exception):
    """A service did not answer in time (or the broker is down); the user gets a 503."""

    def __init__(self, service: str) -> None:
        super().__init__(service)
        self.service = service

    def __str__(self) -> str:
        return f"service {self.service!r} is unavailable"


class _Proxy:
    """One started ClusterRpcProxy and the cluster handle its start() returned."""

    def __init__(self, nameko_config: dict, timeout: float) -> None:
        self.standalone = ClusterRpcProxy(nameko_config, timeout=timeout)
        self.cluster = self.standalone.start()

    def call(self, service: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return getattr(self.cluster[service], method)(*args, **kwargs)

    def stop(self) -> None:
        try:
            self.standalone.stop()
        except Exception:  # noqa: BLE001 - a broken proxy may fail to stop; it is dropped anyway
            log.debug("stopping a broken RPC proxy failed", exc_info=True)


class RpcClient:
    """Thread-safe pool of RPC proxies; ``call`` is the only thing the views use."""

    def __init__(
        self,
        nameko_config: dict | None = None,
        timeout: float | None = None,
        pool_size: int | None = None,
    ) -> None:
        self.nameko_config = nameko_config or config.nameko_config()
        self.timeout = config.rpc_timeout() if timeout is None else timeout
        size = config.rpc_pool_size() if pool_size is None else pool_size
        self._slots: queue.LifoQueue[_Proxy | None] = queue.LifoQueue(maxsize=size)
        for _ in range(size):
            self._slots.put(None)

    def call(self, service: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """Call ``service.method``; platform errors pass through, transport trouble is a 503."""
        try:
            proxy = self._slots.get(timeout=self.timeout)
        except queue.Empty:
            log.warning("no free RPC proxy within %ss for %s.%s", self.timeout, service, method)
            raise ServiceUnavailable(service) from None
        try:
            if proxy is None:
                proxy = _Proxy(self.nameko_config, self.timeout)
            result = proxy.call(service, method, *args, **kwargs)
        except TRANSPORT_ERRORS as exc:
            log.warning("RPC %s.%s failed: %s", service, method, type(exc).__name__)
            if proxy is not None:
                proxy.stop()
            self._slots.put(None)
            raise ServiceUnavailable(service) from exc
        except RemoteError as exc:
            self._slots.put(proxy)
            if exc.exc_type in DATABASE_DOWN:
                log.warning("RPC %s.%s: the service's database is down", service, method)
                raise ServiceUnavailable(service) from exc
            raise
        except Exception:
            self._slots.put(proxy)
            raise
        except BaseException:
            if proxy is not None:
                proxy.stop()
            self._slots.put(None)
            raise
        self._slots.put(proxy)
        return result

    def close(self) -> None:
        """Stop every idle proxy (at shutdown); slots refill lazily if used again."""
        idle = []
        while True:
            try:
                idle.append(self._slots.get_nowait())
            except queue.Empty:
                break
        for proxy in idle:
            if proxy is not None:
                proxy.stop()
            self._slots.put(None)


def call(service: str, method: str, **arguments: Any) -> Any:
    """Call a service through the app's client (the real pool, or a fake in tests) with named
    arguments (``gateway.clients`` names them); a call that changes something or hands out a
    report is written to the audit trail."""
    result = current_app.extensions["rpc"].call(service, method, **arguments)
    from gateway.audit import after_call

    after_call(service, method, arguments, result)
    return result
