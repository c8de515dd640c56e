"""A nameko service that only echoes: the bus's own cost of one RPC round trip.

Started by the bench next to the platform's services; saving answers through the gateway is
compared with calling ``bench_echo.echo`` with the same batch, which is everything a save costs
apart from the gateway's HTTP handling and the survey service's own work.
"""

from __future__ import annotations

from nameko.rpc import rpc


class EchoService:
    name = "bench_echo"

    @rpc
    def echo(self, payload: object) -> object:
        return payload

    @rpc
    def health(self) -> dict:
        return {"service": self.name, "status": "ok"}
