"""nameko's ``rpc`` entrypoint, except that a reply lost to a broker outage is not fatal.

nameko sends an RPC reply from the shared RPC consumer; when RabbitMQ goes away between taking a
request and replying, the publish fails after its retries and nameko treats the exception as
fatal: the whole service stops and stays down (found by the fault suite's broker restart). Here
the failure is logged and counted instead. The request was never acked on the broken connection,
so RabbitMQ hands it out again after the restart; the caller has had its timeout (a 503 in the
gateway). Every service declares all its RPC methods with this ``rpc``: two RPC consumers of one
service on the same queue would take each other's requests. Ids and years among a call's
arguments are checked against the database's integer range before the method runs
(``services.common.numbers``), so a huge id is the caller's 422 rather than a database error.
"""

from __future__ import annotations

import inspect
import logging

from amqp.exceptions import AMQPError
from kombu.exceptions import KombuError
from nameko.rpc import Rpc, RpcConsumer

from services.common.metrics import RPC_REPLIES_LOST
from services.common.numbers import check_id_arguments

log = logging.getLogger(__name__)


class OutageTolerantRpcConsumer(RpcConsumer):
    def handle_result(self, message, result, exc_info):  # noqa: ANN001, ANN201 - nameko's hook
        try:
            return super().handle_result(message, result, exc_info)
        except (KombuError, AMQPError, OSError) as exc:
            service = self.container.service_name
            RPC_REPLIES_LOST.labels(service=service).inc()
            log.warning(
                "%s: an RPC reply could not be sent (%s); the caller times out", service, exc
            )
            return result, exc_info


class OutageTolerantRpc(Rpc):
    rpc_consumer = OutageTolerantRpcConsumer()

    def check_signature(self, args, kwargs):  # noqa: ANN001, ANN201 - nameko's hook
        """nameko's signature check, then the ids and years: out of the database's range they
        come back to the caller as ValidationFailed (a 422), not as a database error."""
        super().check_signature(args, kwargs)
        method = getattr(self.container.service_cls, self.method_name)
        check_id_arguments(inspect.getcallargs(method, None, *args, **kwargs))


rpc = OutageTolerantRpc.decorator
