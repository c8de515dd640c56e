"""The benchmark service: running and monitored from day one so that deployment and monitoring
cover it before its features land."""

from __future__ import annotations

from nameko.rpc import rpc

from services.common.metrics import Metrics


class BenchmarkService:
    name = "benchmark"

    metrics = Metrics()

    @rpc
    def health(self) -> dict:
        return {"service": self.name, "status": "ok"}
