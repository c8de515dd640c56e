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

from kombu import Exchange, Queue
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


def _reject(message, service: str, reason: str) -> None:  # noqa: ANN001 - a kombu Message
    event = message.delivery_info.get("routing_key", "unknown")
    DEAD_LETTERED.labels(service=service, event=event).inc()
    log.error("%s: %s message dead-lettered (%s)", service, event, reason)
    if message.channel.connection:
        try:
            message.reject(requeue=False)
        except ConnectionError:  # the broker took it back already; it will be redelivered
            log.warning("%s: rejecting a message failed; the broker redelivers it", service)


class DeadLetteringQueueConsumer(QueueConsumer):
    """nameko's queue consumer, plus the dead-letter topology and undecodable bodies rejected.

    Without ``on_decode_error`` kombu raises out of the consumer loop on a body that is not
    JSON, the connection restarts and the same message comes back: an endless loop.
    """

    def get_consumers(self, consumer_cls, channel):  # noqa: ANN001, ANN201 - kombu's callback
        dead_letter_queue()(channel).declare()
        consumers = super().get_consumers(consumer_cls, channel)
        for consumer in consumers:
            consumer.on_decode_error = self._on_decode_error
        return consumers

    def _on_decode_error(self, message, exc: Exception) -> None:  # noqa: ANN001
        _reject(message, self.container.service_name, f"undecodable body: {type(exc).__name__}")


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

    def handle_message_processed(self, message, result=None, exc_info=None) -> None:  # noqa: ANN001
        if exc_info is None:
            self.queue_consumer.ack_message(message)
            return
        _reject(message, self.container.service_name, f"handler raised {exc_info[0].__name__}")


event_handler = DeadLetteringEventHandler.decorator
