"""Starting service containers in the test process against the real broker and database."""

from __future__ import annotations

import time
from collections.abc import Callable

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
