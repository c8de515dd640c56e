"""Dead letters: a message a service cannot handle ends in one queue an operator can read.

nameko acks an event handler's message even when the handler raises, so a broken message would
silently vanish; requeueing it instead would loop for ever. Every service therefore declares its
event queues through ``event_handler`` below: quorum queues (replicated and fsynced, they keep
what was published through a broker restart) whose messages are *rejected* when the handler
raises or the body cannot be decoded. RabbitMQ moves a rejected message, with an ``x-death``
header naming the queue and the reason, to the ``platform.dead-letter`` exchange and from there
to the ``platform.dead-letter`` queue. A message that keeps killing its consumer is dead-lettered
after ``DELIVERY_LIMIT`` deliveries. ``tools/dead_letters.py`` lists and replays them.
"""

from __future__ import annotations

import logging
from functools import partial

from amqp import Message as AmqpMessage
from amqp.exceptions import NotFound, PreconditionFailed
from kombu import Connection, Exchange, Queue
from nameko.events import EventHandler
from nameko.messaging import QueueConsumer

from services.common.metrics import DEAD_LETTERED

log = logging.getLogger(__name__)

DEAD_LETTER_EXCHANGE = "platform.dead-letter"
DEAD_LETTER_QUEUE = "platform.dead-letter"
DELIVERY_LIMIT = 5


class PoisonMessage(Exception):  # noqa: N818 - names what the message is
    """Raised by a handler for a message it will never be able to apply; it is dead-lettered."""


def dead_letter_queue() -> Queue:
    """The one queue every dead letter ends in (fanout: the origin is in ``x-death``)."""
    exchange = Exchange(DEAD_LETTER_EXCHANGE, type="fanout", durable=True)
    return Queue(
        DEAD_LETTER_QUEUE,
        exchange=exchange,
        routing_key="",
        durable=True,
        queue_arguments={"x-queue-type": "quorum"},
    )


def event_queue_arguments() -> dict:
    return {
        "x-queue-type": "quorum",
        "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
        "x-delivery-limit": DELIVERY_LIMIT,
    }


def _reject(message, service: str, event: str, reason: str) -> None:  # noqa: ANN001 - kombu
    DEAD_LETTERED.labels(service=service, event=event).inc()
    log.error("%s: %s message dead-lettered (%s)", service, event, reason)
    if message.channel.connection:
        try:
            message.reject(requeue=False)
        except ConnectionError:  # the broker took it back already; it will be redelivered
            log.warning("%s: rejecting a message failed; the broker redelivers it", service)


def ensure_event_queue(amqp_uri: str, queue: Queue) -> None:
    """Declare an event queue; one left by an older version with other arguments (a classic
    queue without dead-lettering) is replaced, its waiting messages moved over, never dropped.

    The messages wait in ``<name>.migrating`` meanwhile; a process that dies half-way leaves
    them there and the next start finishes the move. Stop every replica of the old version
    first: a queue is deleted and declared anew.
    """
    holding = Queue(f"{queue.name}.migrating", exchange="", routing_key="", durable=True)
    with Connection(amqp_uri) as connection:
        try:
            queue(connection.channel()).declare()
        except PreconditionFailed:
            log.warning("event queue %s has older arguments; converting it", queue.name)
            holding(connection.channel()).declare()
            _move(connection, queue.name, holding.name)
            connection.channel().queue_delete(queue.name)
            queue(connection.channel()).declare()
        try:
            connection.channel().queue_declare(holding.name, passive=True)
        except NotFound:
            return
        _move(connection, holding.name, queue.name)
        connection.channel().queue_delete(holding.name, if_empty=True)


def _move(connection: Connection, source: str, target: str) -> None:
    """Every message of ``source`` into ``target``: published with a confirm, then acked."""
    channel = connection.channel()
    while (message := channel.basic_get(source, no_ack=False)) is not None:
        copy = AmqpMessage(message.body, **message.properties)
        channel.basic_publish_confirm(copy, exchange="", routing_key=target)
        channel.basic_ack(message.delivery_tag)
    channel.close()


class DeadLetteringQueueConsumer(QueueConsumer):
    """nameko's queue consumer, plus the dead-letter topology and undecodable bodies rejected.

    Without ``on_decode_error`` kombu raises out of the consumer loop on a body that is not
    JSON, the connection restarts and the same message comes back: an endless loop.
    """

    def get_consumers(self, consumer_cls, channel):  # noqa: ANN001, ANN201 - kombu's callback
        dead_letter_queue()(channel).declare()
        consumers = super().get_consumers(consumer_cls, channel)
        for provider, consumer in self._consumers.items():
            consumer.on_decode_error = partial(self._on_decode_error, provider)
        return consumers

    def _on_decode_error(self, provider, message, exc: Exception) -> None:  # noqa: ANN001
        reason = f"undecodable body: {type(exc).__name__}"
        _reject(message, self.container.service_name, provider.event_type, reason)


class DeadLetteringEventHandler(EventHandler):
    """A service-pool event handler on a quorum queue whose failed messages are dead-lettered."""

    queue_consumer = DeadLetteringQueueConsumer()

    def setup(self) -> None:
        super().setup()
        declared = self.queue
        self.queue = Queue(
            declared.name,
            exchange=declared.exchange,
            routing_key=declared.routing_key,
            durable=True,
            auto_delete=False,
            exclusive=False,
            queue_arguments=event_queue_arguments(),
        )
        try:
            ensure_event_queue(self.container.config["AMQP_URI"], self.queue)
        except OSError:
            log.warning("broker unreachable; %s is declared on connecting", self.queue.name)

    def handle_message_processed(self, message, result=None, exc_info=None) -> None:  # noqa: ANN001
        if exc_info is None:
            self.queue_consumer.ack_message(message)
            return
        reason = f"handler raised {exc_info[0].__name__}"
        _reject(message, self.container.service_name, self.event_type, reason)


event_handler = DeadLetteringEventHandler.decorator
