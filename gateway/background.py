"""Work a request hands off, so that its answer neither waits for that work nor betrays it.

Asking for a password reset must take as long for an unknown address as for an account that
exists (ASVS 5.0 V6.3.8: no account enumeration by timing). The page therefore only queues the
job here and answers the same at once; one worker thread per gateway process then looks the
account up, issues the link and queues the e-mail, inside an application context of its own.
The queue is bounded: when it is full a job is dropped and logged, and jobs still queued when
the process stops are lost too. Either way the person is told the same thing and may ask again.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from flask import Flask, current_app

log = logging.getLogger(__name__)

QUEUE_SIZE = 1000


class Background:
    """One worker thread, started at the first job, running jobs in submission order."""

    def __init__(self, app: Flask, size: int = QUEUE_SIZE) -> None:
        self.app = app
        self.jobs: queue.Queue[Callable[[], None]] = queue.Queue(maxsize=size)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, job: Callable[[], None]) -> bool:
        """Queue ``job``; False (and a warning) when the queue is full and it is dropped."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="gateway-background", daemon=True
                )
                self._thread.start()
        try:
            self.jobs.put_nowait(job)
        except queue.Full:
            log.warning("background queue full: %s dropped", getattr(job, "__name__", job))
            return False
        return True

    def join(self) -> None:
        """Wait until every job queued so far has run (tests; an orderly stop)."""
        self.jobs.join()

    def _run(self) -> None:
        while True:
            job = self.jobs.get()
            try:
                with self.app.app_context():
                    job()
            except Exception:
                log.exception("background job %s failed", getattr(job, "__name__", job))
            finally:
                self.jobs.task_done()


def init_app(app: Flask) -> None:
    app.extensions["background"] = Background(app)


def submit(job: Callable[[], None]) -> bool:
    """Hand ``job`` to the app's worker (see the module's docstring for what may be lost)."""
    return current_app.extensions["background"].submit(job)
