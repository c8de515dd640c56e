"""Durable work queues shared by every reporting worker: consuming one message at a time with
an ack after the work is done (``queue_work``), and publishing with publisher confirms
(``publish``; in the service through the ``Broker`` dependency).

nameko's own ``consume`` shares one channel (and a prefetch of ``max_workers``) with the RPC
entrypoints, so ten report builds could take every worker slot and starve ``list_reports``.
``queue_work`` therefore runs its own connection with a prefetch of one: each worker process
holds at most one unacknowledged message per queue, several processes share a queue fairly, and a
message is acknowledged only when its handler has returned (the file stored and recorded). If
the process dies before that, RabbitMQ hands the message to another consumer with
``redelivered`` set, which the handler receives as its second argument.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable

import eventlet
from amqp.exceptions import ConnectionError as AmqpConnectionError
from eventlet.event import Event
from kombu import Connection, Queue
from kombu.exceptions import OperationalError
from nameko.extensions import DependencyProvider, Entrypoint

log = logging.getLogger(__name__)

REQUEST_QUEUE = "reporting.annual_run_requests"
WORK_QUEUE = "reporting.work"
HEARTBEAT = 60
BROKER_ERRORS = (OSError, AmqpConnectionError, OperationalError)


def durable_queue(name: str) -> Queue:
    """A durable queue on the default exchange (routing key = name), as pika declares it too."""
    return Queue(name, durable=True, auto_delete=False, exchange="", routing_key=name)


def decode(body: object) -> dict:
    """JSON from kombu (already a dict) or from a plain client (bytes or text)."""
    if isinstance(body, bytes | bytearray):
        body = body.decode("utf-8")
    if isinstance(body, str):
        body = json.loads(body)
    if not isinstance(body, dict):
        raise ValueError("a work message must be a JSON object")
    return body


class QueueWork(Entrypoint):
    """Calls the decorated method with ``(body, redelivered)`` for each message of a queue."""

    def __init__(self, queue_name: str, **kwargs: object) -> None:
        self.queue_name = queue_name
        self.stopping = False
        self.ready = Event()
        super().__init__(**kwargs)

    def start(self) -> None:
        self.stopping = False
        self.container.spawn_managed_thread(self._run, identifier=f"queue_work[{self.queue_name}]")

    def stop(self) -> None:
        self.stopping = True

    def kill(self) -> None:
        self.stopping = True

    def _run(self) -> None:
        uri = self.container.config["AMQP_URI"]
        while not self.stopping:
            try:
                with Connection(uri, heartbeat=HEARTBEAT) as connection:
                    self._consume(connection)
            except BROKER_ERRORS as exc:
                log.warning(
                    "reporting: queue %s lost its broker (%s); retrying", self.queue_name, exc
                )
                eventlet.sleep(2)

    def _consume(self, connection: Connection) -> None:
        queue = durable_queue(self.queue_name)
        queue(connection.default_channel).declare()
        with connection.Consumer(
            queue, callbacks=[self._on_message], accept=["json"], prefetch_count=1
        ):
            if not self.ready.ready():
                self.ready.send(True)
            while not self.stopping:
                try:
                    connection.drain_events(timeout=1)
                except TimeoutError:
                    connection.heartbeat_check()

    def _on_message(self, body: object, message) -> None:  # noqa: ANN001
        try:
            payload = decode(body if message.content_type else message.body)
        except ValueError:
            log.error("reporting: a message on %s is not a JSON object; dropped", self.queue_name)
            message.ack()
            return
        finished = Event()

        def handle_result(worker_ctx, result=None, exc_info=None):  # noqa: ANN001, ANN202
            finished.send(exc_info)
            return result, exc_info

        redelivered = bool(message.delivery_info.get("redelivered"))
        self.container.spawn_worker(self, (payload, redelivered), {}, handle_result=handle_result)
        exc_info = finished.wait()
        if exc_info is not None:
            log.error("reporting: work on %s raised; the message is requeued", self.queue_name)
            message.requeue()
        else:
            message.ack()


queue_work = QueueWork.decorator


class Broker(DependencyProvider):
    """Publishing to the work queues with the container's broker URI."""

    def get_dependency(self, worker_ctx):  # noqa: ANN001, ANN201
        uri = self.container.config["AMQP_URI"]

        class _Broker:
            @staticmethod
            def publish(queue: str, bodies: list[dict]) -> int:
                return publish(uri, queue, bodies)

            @staticmethod
            def ready_count(queue: str) -> int | None:
                return ready_count(uri, queue)

        return _Broker()


def publish(amqp_uri: str, queue_name: str, bodies: Iterable[dict]) -> int:
    """Publish persistent JSON messages, each confirmed by the broker before the next."""
    queue = durable_queue(queue_name)
    sent = 0
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
        producer = connection.Producer(serializer="json")
        for body in bodies:
            producer.publish(
                body,
                exchange="",
                routing_key=queue_name,
                delivery_mode=2,
                declare=[queue],
                retry=True,
                retry_policy={"max_retries": 3},
            )
            sent += 1
    return sent


def ready_count(amqp_uri: str, queue_name: str) -> int | None:
    """Messages waiting in the queue (not those held by consumers), or None if unknown."""
    try:
        with Connection(amqp_uri) as connection:
            durable_queue(queue_name)(connection.default_channel).declare()
            declared = connection.default_channel.queue_declare(queue=queue_name, passive=True)
            return int(declared.message_count)
    except Exception:  # noqa: BLE001 - the caller acts as if it did not know
        return None
