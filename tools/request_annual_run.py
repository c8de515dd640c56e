"""Ask for KL's annual report run: ``python -m tools.request_annual_run 2025 [--wait]``.

The request is published with pika to the reporting service's durable queue as a persistent
message, and the broker must confirm it (publisher confirms), so a request that this command
reported as sent is never lost, even if no reporting worker is running yet: the first one to
start plans the run. Asking twice is harmless; there is one run per round. ``--wait`` follows
the run's progress over RPC until it is complete.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid

import pika

from services.common import config
from services.reporting.workqueue import REQUEST_QUEUE


def publish_request(amqp_uri: str, year: int, requested_by: str = "KL (kommandolinje)") -> str:
    """Publish one request and return its id once the broker has confirmed it."""
    request_id = str(uuid.uuid4())
    body = json.dumps({"year": year, "requested_by": requested_by, "request_id": request_id})
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        channel.queue_declare(queue=REQUEST_QUEUE, durable=True)
        channel.basic_publish(
            exchange="",
            routing_key=REQUEST_QUEUE,
            body=body.encode("utf-8"),
            properties=pika.BasicProperties(
                content_type="application/json",
                delivery_mode=pika.DeliveryMode.Persistent,
                message_id=request_id,
            ),
            mandatory=True,
        )
    finally:
        connection.close()
    return request_id


def counts_line(run: dict) -> str:
    """Due, built, failed and skipped, as KL's page shows them."""
    return (
        f"{run['due']} rapporter skal dannes: {run['built']} dannet, {run['failed']} fejlet, "
        f"{run['skipped']} sprunget over"
    )


def wait_for_run(amqp_uri: str, year: int, timeout: float, out=print) -> dict:  # noqa: ANN001
    """Poll the run over RPC and print its progress until it is completed (or time runs out)."""
    from nameko.standalone.rpc import ClusterRpcProxy

    from services.common.errors import NotFound

    deadline = time.monotonic() + timeout
    last = None
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30) as rpc:
        while True:
            try:
                run = rpc.reporting.get_annual_run(year)
            except NotFound:
                run = None
            if run is not None:
                line = counts_line(run) + f" ({run['state']})"
                if line != last:
                    out(line)
                    last = line
                if run["state"] == "completed":
                    return run
            if time.monotonic() > deadline:
                raise TimeoutError(f"the {year} run did not complete within {timeout:.0f} s")
            time.sleep(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("year", type=int, help="the closed round, e.g. 2025")
    parser.add_argument("--amqp-uri", default=config.amqp_uri())
    parser.add_argument("--requested-by", default="KL (kommandolinje)")
    parser.add_argument("--wait", action="store_true", help="follow the run until it completes")
    parser.add_argument("--timeout", type=float, default=3600)
    args = parser.parse_args(argv)
    try:
        request_id = publish_request(args.amqp_uri, args.year, args.requested_by)
    except pika.exceptions.AMQPError as exc:
        print(f"Anmodningen blev ikke sendt: {exc!r}", file=sys.stderr)
        return 2
    print(f"Årlig kørsel for {args.year} er anmodet (id {request_id}); RabbitMQ har bekræftet den.")
    if args.wait:
        run = wait_for_run(args.amqp_uri, args.year, args.timeout)
        print(f"Færdig: {counts_line(run)}.")
        return 0 if run["failed"] == 0 else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
