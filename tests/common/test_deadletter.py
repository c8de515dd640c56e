"""Event queues of an older version are converted to dead-lettering quorum queues, nothing lost."""

import json

import pytest
from amqp.exceptions import NotFound
from kombu import Connection, Exchange, Producer, Queue

from services.common.deadletter import ensure_event_queue, event_queue_arguments
from tests.support.services import wait_for

pytestmark = pytest.mark.integration


def test_classic_event_queue_is_converted_and_keeps_its_messages(amqp_uri):
    exchange = Exchange("convertsource.events", type="topic", durable=True)
    name = "evt-convertsource-thing_happened--converter.on_thing"
    old = Queue(name, exchange=exchange, routing_key="thing_happened", durable=True)
    new = Queue(
        name,
        exchange=exchange,
        routing_key="thing_happened",
        durable=True,
        queue_arguments=event_queue_arguments(),
    )
    with Connection(amqp_uri) as connection:
        connection.channel().queue_delete(name)
        old(connection.channel()).declare()
        producer = Producer(connection.channel(), exchange=exchange, routing_key="thing_happened")
        for number in range(3):
            producer.publish({"number": number}, serializer="json", delivery_mode=2)

    ensure_event_queue(amqp_uri, new)
    ensure_event_queue(amqp_uri, new)

    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        # Declaring with the new arguments succeeds: the queue is the new one.
        new(channel).declare()
        bodies = []
        while (message := channel.basic_get(name, no_ack=True)) is not None:
            bodies.append(json.loads(message.body))
        assert bodies == [{"number": 0}, {"number": 1}, {"number": 2}]
        with pytest.raises(NotFound):
            connection.channel().queue_declare(f"{name}.migrating", passive=True)
        # Routed through the exchange, a new event still arrives.
        Producer(channel, exchange=exchange, routing_key="thing_happened").publish(
            {"number": 3}, serializer="json"
        )
        arrived = wait_for(lambda: channel.basic_get(name, no_ack=True), timeout=5)
        assert json.loads(arrived.body) == {"number": 3}
        channel.queue_delete(name)
