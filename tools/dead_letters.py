"""The operator's view of the dead-letter queue: what is there, and sending it back.

    python -m tools.dead_letters list              # every dead letter: origin queue, reason, body
    python -m tools.dead_letters replay --count 1  # oldest one back into the queue it came from

A service rejects an event it cannot handle to ``platform.dead-letter`` (see
``services/common/deadletter.py``). ``list`` reads without removing anything. ``replay``
publishes a message to the queue named in its ``x-death`` header (only the consumer that
failed gets it again; consumers are idempotent) with a publisher confirm, and only then removes
it from the dead-letter queue; a message that fails again comes back with a higher count.
``AMQP_URI`` (or ``--amqp-uri``) selects the broker and vhost.
"""

from __future__ import annotations

import argparse
import json
import sys

import pika

from services.common import config
from services.common.deadletter import DEAD_LETTER_QUEUE


def _origin(properties: pika.BasicProperties) -> dict:
    deaths = (properties.headers or {}).get("x-death") or [{}]
    first = deaths[0]
    return {
        "queue": _text(first.get("queue")),
        "reason": _text(first.get("reason")),
        "count": int(first.get("count") or 0),
        "exchange": _text(first.get("exchange")),
        "routing_keys": [_text(k) for k in first.get("routing-keys") or []],
    }


def _text(value: object) -> str | None:
    return value.decode() if isinstance(value, bytes) else (None if value is None else str(value))


def _connect(amqp_uri: str) -> pika.BlockingConnection:
    return pika.BlockingConnection(pika.URLParameters(amqp_uri))


def _exists(connection: pika.BlockingConnection) -> bool:
    """False until a service has declared the queue (nothing was ever dead-lettered there)."""
    try:
        connection.channel().queue_declare(DEAD_LETTER_QUEUE, passive=True)
    except pika.exceptions.ChannelClosedByBroker:
        return False
    return True


def list_dead_letters(amqp_uri: str, limit: int = 100) -> list[dict]:
    """Up to ``limit`` dead letters, oldest first; they stay in the queue."""
    connection = _connect(amqp_uri)
    try:
        if not _exists(connection):
            return []
        channel = connection.channel()
        found = []
        for _ in range(limit):
            method, properties, body = channel.basic_get(DEAD_LETTER_QUEUE, auto_ack=False)
            if method is None:
                break
            found.append(
                {
                    **_origin(properties),
                    "content_type": properties.content_type,
                    "body": body.decode("utf-8", errors="replace")[:500],
                }
            )
        # Closing without an ack hands every message back, in its order.
        channel.close()
        return found
    finally:
        connection.close()


def replay(amqp_uri: str, count: int) -> int:
    """Send the ``count`` oldest dead letters back to their queues; returns how many went."""
    connection = _connect(amqp_uri)
    sent = 0
    try:
        if not _exists(connection):
            return 0
        channel = connection.channel()
        channel.confirm_delivery()
        for _ in range(count):
            method, properties, body = channel.basic_get(DEAD_LETTER_QUEUE, auto_ack=False)
            if method is None:
                break
            queue = _origin(properties)["queue"]
            if not queue:
                channel.basic_nack(method.delivery_tag, requeue=True)
                break
            headers = {k: v for k, v in (properties.headers or {}).items() if k != "x-death"}
            properties.headers = headers
            channel.basic_publish("", queue, body, properties=properties, mandatory=True)
            channel.basic_ack(method.delivery_tag)
            sent += 1
        return sent
    finally:
        connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["list", "replay"])
    parser.add_argument("--amqp-uri", default=config.amqp_uri())
    parser.add_argument("--count", type=int, default=1, help="replay: how many (oldest first)")
    parser.add_argument("--all", action="store_true", help="replay: every dead letter")
    args = parser.parse_args(argv)
    if args.command == "list":
        letters = list_dead_letters(args.amqp_uri)
        for letter in letters:
            print(json.dumps(letter, ensure_ascii=False))
        print(f"{len(letters)} dead letter(s) in {DEAD_LETTER_QUEUE}", file=sys.stderr)
        return 0
    sent = replay(args.amqp_uri, 1_000_000 if args.all else args.count)
    print(f"replayed {sent} dead letter(s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
