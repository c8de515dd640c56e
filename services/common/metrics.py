"""Prometheus metrics: one entrypoint latency histogram shared by every service and the gateway.

Labels are service, entrypoint, kind and outcome only: never a municipality id or an e-mail.
"""

from __future__ import annotations

import time
from wsgiref.simple_server import WSGIServer

from nameko.extensions import DependencyProvider
from prometheus_client import Counter, Gauge, Histogram, start_http_server

ENTRYPOINT_LATENCY = Histogram(
    "platform_entrypoint_latency_seconds",
    "Time spent in an entrypoint (RPC, event handler, timer, HTTP request).",
    ["service", "entrypoint", "kind", "outcome"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
ANSWERS_SAVED = Counter(
    "platform_answers_saved_total", "Answers stored (each changed answer counts once)."
)
EVENTS_DISPATCHED = Counter(
    "platform_events_dispatched_total", "Events published from an outbox.", ["service", "event"]
)
EVENTS_FAILED = Counter(
    "platform_event_handler_failures_total",
    "Event handler runs that raised; the projection is repaired by reconciliation.",
    ["service", "event"],
)
DEAD_LETTERED = Counter(
    "platform_dead_letters_total",
    "Messages a service rejected to the platform.dead-letter queue (see tools/dead_letters.py).",
    ["service", "event"],
)
RPC_REPLIES_LOST = Counter(
    "platform_rpc_replies_lost_total",
    "RPC replies that could not be sent because the broker went away (the caller timed out).",
    ["service"],
)
TIMER_RUNS_CUT = Counter(
    "platform_timer_runs_cut_total",
    "Timer runs (reconcilers) cut off after their bound, e.g. waiting for a lost RPC reply.",
    ["service", "timer"],
)
OUTBOX_PENDING = Counter(
    "platform_outbox_dispatch_failures_total",
    "Attempts to publish an outbox event that failed and will be retried.",
    ["service"],
)

MAIL_KINDS = (
    "invitation",
    "reminder",
    "sent_back",
    "submitted",
    "digest",
    "account_invite",
    "password_reset",
    "report_ready",
)
MAILS_SENT = Counter("platform_mails_sent_total", "E-mails accepted by SMTP.", ["kind"])
MAIL_FAILURES = Counter(
    "platform_mail_failures_total",
    "Attempts to send an e-mail that failed for now and will be retried with backoff.",
    ["kind"],
)
MAILS_PERMANENTLY_FAILED = Counter(
    "platform_mails_permanently_failed_total",
    "E-mails that can never be delivered (e.g. a refused address); shown to the coordinator.",
    ["kind"],
)
for _kind in MAIL_KINDS:
    MAILS_SENT.labels(kind=_kind)
    MAIL_FAILURES.labels(kind=_kind)
    MAILS_PERMANENTLY_FAILED.labels(kind=_kind)
MAILS_PENDING = Gauge("platform_mails_pending", "E-mails in the outbox waiting to be sent.")
DELEGATIONS_OPEN = Gauge(
    "platform_delegations_open", "Delegations not yet approved or revoked (all municipalities)."
)
DELEGATE_LINKS_REFUSED = Counter(
    "platform_delegate_links_refused_total",
    "Delegate links refused: unknown (guessed or tampered), expired, revoked, rate_limited.",
    ["reason"],
)
for _reason in ("unknown", "expired", "revoked", "rate_limited"):
    DELEGATE_LINKS_REFUSED.labels(reason=_reason)

_servers: dict[int, WSGIServer] = {}


def serve_metrics(port: int) -> WSGIServer | None:
    """Serve /metrics once per process on ``METRICS_HOST`` (loopback unless configured); a second
    container in the same process reuses it. The server on ``port``, None for port 0 (off)."""
    from services.common import config

    if port and port not in _servers:
        _servers[port], _thread = start_http_server(port, addr=config.metrics_host())
    return _servers.get(port)


def entrypoint_kind(entrypoint) -> str:  # noqa: ANN001
    name = type(entrypoint).__name__.lower()
    for kind in ("rpc", "event", "timer", "http"):
        if kind in name:
            return kind
    return name


class Metrics(DependencyProvider):
    """Times every entrypoint of the service and serves /metrics on the service's own port."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port
        self.started: dict = {}

    def setup(self) -> None:
        from services.common import config

        name = self.container.service_name
        port = self.container.config.get(f"METRICS_PORT_{name.upper()}")
        if port is None:
            port = self.port if self.port is not None else config.metrics_port(name)
        serve_metrics(int(port))

    def worker_setup(self, worker_ctx) -> None:  # noqa: ANN001
        self.started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None) -> None:  # noqa: ANN001
        started = self.started.pop(worker_ctx, None)
        if started is None:
            return
        outcome = "success"
        if exc_info is not None:
            from services.common.errors import PlatformError

            outcome = "client_error" if isinstance(exc_info[1], PlatformError) else "error"
        entrypoint = worker_ctx.entrypoint
        ENTRYPOINT_LATENCY.labels(
            service=self.container.service_name,
            entrypoint=entrypoint.method_name,
            kind=entrypoint_kind(entrypoint),
            outcome=outcome,
        ).observe(time.perf_counter() - started)

    def get_dependency(self, worker_ctx):  # noqa: ANN001
        return self
