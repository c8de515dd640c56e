"""A bound on a timer's run, because nameko's service-to-service RPC has no timeout.

nameko starts a timer's next tick only when the last run has ended. A reconciler that waits for
an RPC reply which never comes (the broker restarted after the request was taken, and the reply
was lost) would therefore stop reconciling for good. ``within`` cuts such a run off; the next
tick starts over, and reconcilers commit per item, so nothing done before the cut is lost.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

import eventlet

from services.common.metrics import TIMER_RUNS_CUT

log = logging.getLogger(__name__)


def within(seconds: float) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a service method (below ``@timer``) so that one run lasts at most ``seconds``."""

    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def run(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                with eventlet.Timeout(seconds):
                    return method(self, *args, **kwargs)
            except eventlet.Timeout:
                TIMER_RUNS_CUT.labels(service=self.name, timer=method.__name__).inc()
                log.warning("%s.%s cut off after %ss", self.name, method.__name__, seconds)
                return None

        return run

    return decorate
