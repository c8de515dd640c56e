"""A local SMTP catcher with a small web inbox: ``python -m tools.mail_catcher``.

The local run and the tests point the delegation service's SMTP at it. Every message it accepts
is written as an ``.eml`` file to a folder (default ``var/mail``), and a tiny web page lists
them with their links clickable, so a person can delegate in the browser and open the link from
the caught e-mail. Recipients in the reserved ``.invalid`` domain are refused with a 550, so a
permanent failure (a bad address) can be tried out as well.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

NAME = re.compile(r"^[0-9]{19}-[0-9a-f]{32}\.eml$")
URL = re.compile(r"https?://[^\s<>\"')]+")


class CatchingHandler:
    """aiosmtpd handler: refuse ``*.invalid`` recipients, store everything else as a file."""

    def __init__(self, folder: Path, refuse_suffix: str = ".invalid") -> None:
        self.folder = folder
        self.refuse_suffix = refuse_suffix
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list
    ) -> str:
        if self.refuse_suffix and address.lower().rstrip(">").endswith(self.refuse_suffix):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        name = f"{time.time_ns():019d}-{uuid.uuid4().hex}.eml"
        partial = self.folder / f".{name}.tmp"
        partial.write_bytes(envelope.original_content or envelope.content)
        os.replace(partial, self.folder / name)
        return "250 Message accepted for delivery"


def read_messages(folder: Path) -> list[tuple[str, EmailMessage]]:
    """Every caught message, newest first."""
    if not folder.exists():
        return []
    found = []
    for path in sorted(folder.glob("*.eml"), reverse=True):
        with open(path, "rb") as handle:
            found.append((path.name, BytesParser(policy=policy.default).parse(handle)))
    return found


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def html_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    return part.get_content() if part is not None else ""


def links_of(message: EmailMessage) -> list[str]:
    return list(dict.fromkeys(URL.findall(text_of(message))))


def _linkify(text: str) -> str:
    escaped = html.escape(text)
    return URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)


STYLE = (
    "body{font:1rem/1.5 system-ui,Arial,sans-serif;max-width:60rem;margin:0 auto;padding:1rem}"
    "table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.4rem;"
    "border-bottom:1px solid #d5d9de;vertical-align:top}pre{white-space:pre-wrap;"
    "background:#f3f5f7;padding:1rem}"
)


def _page(title: str, body: str) -> bytes:
    return (
        f'<!doctype html><html lang="da"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f"<body>{body}</body></html>"
    ).encode()


class InboxHandler(BaseHTTPRequestHandler):
    folder: Path = Path("var/mail")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        path = self.path.split("?", 1)[0]
        if path == "/":
            return self._send(200, self._index(), "text/html; charset=utf-8")
        if path == "/api/messages":
            body = json.dumps(
                [
                    {
                        "name": name,
                        "to": str(m["To"]),
                        "subject": str(m["Subject"]),
                        "message_id": str(m["Message-ID"]),
                        "links": links_of(m),
                    }
                    for name, m in read_messages(self.folder)
                ]
            ).encode()
            return self._send(200, body, "application/json")
        match = re.match(r"^/message/([^/]+?)(/html)?$", path)
        if match and NAME.match(match.group(1)) and (self.folder / match.group(1)).exists():
            with open(self.folder / match.group(1), "rb") as handle:
                message = BytesParser(policy=policy.default).parse(handle)
            if match.group(2):
                return self._send(200, html_of(message).encode(), "text/html; charset=utf-8")
            page = self._message(match.group(1), message)
            return self._send(200, page, "text/html; charset=utf-8")
        return self._send(404, _page("Ikke fundet", "<p>Ikke fundet.</p>"), "text/html")

    def _index(self) -> bytes:
        rows = "".join(
            f"<tr><td>{html.escape(str(m['Date'] or ''))}</td><td>{html.escape(str(m['To']))}</td>"
            f'<td><a href="/message/{name}">{html.escape(str(m["Subject"]))}</a></td></tr>'
            for name, m in read_messages(self.folder)
        )
        body = (
            "<h1>Indbakke (lokal test-SMTP)</h1>"
            "<p>Alle e-mails, platformen sender på den lokale kørsel, lander her. "
            "Genindlæs siden for at se nye. · Every e-mail the local platform sends lands here.</p>"
            + (
                f"<table><tr><th>Tid</th><th>Til</th><th>Emne</th></tr>{rows}</table>"
                if rows
                else "<p>Ingen e-mails endnu. · No e-mails yet.</p>"
            )
        )
        return _page("Indbakke", body)

    def _message(self, name: str, message: EmailMessage) -> bytes:
        body = (
            '<p><a href="/">← Indbakke</a></p>'
            f"<h1>{html.escape(str(message['Subject']))}</h1>"
            f"<p>Til: {html.escape(str(message['To']))}<br>Fra: {html.escape(str(message['From']))}"
            f"<br>Dato: {html.escape(str(message['Date']))}</p>"
            f'<p><a href="/message/{name}/html">Vis HTML-udgaven · Show the HTML version</a></p>'
            f"<pre>{_linkify(text_of(message))}</pre>"
        )
        return _page(str(message["Subject"]), body)


def serve(
    folder: Path, smtp_host: str, smtp_port: int, http_host: str, http_port: int
) -> tuple[Controller, ThreadingHTTPServer]:
    """Start the SMTP server and the inbox; the caller stops both."""
    controller = Controller(CatchingHandler(folder), hostname=smtp_host, port=smtp_port)
    controller.start()
    handler = type("Inbox", (InboxHandler,), {"folder": folder})
    httpd = ThreadingHTTPServer((http_host, http_port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return controller, httpd


def start_process(folder: Path, smtp_port: int, http_port: int, log_path: Path) -> subprocess.Popen:
    """Run the catcher as its own process (the local run) and wait until SMTP accepts."""
    for port in (smtp_port, http_port):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                raise RuntimeError(
                    f"port {port} is taken; set MAIL_CATCHER_SMTP_PORT / MAIL_CATCHER_HTTP_PORT, "
                    "or SMTP_HOST to use a mail server of your own"
                )
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "ab")  # noqa: SIM115 - owned by the process
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tools.mail_catcher",
            "--dir",
            str(folder),
            "--smtp-port",
            str(smtp_port),
            "--http-port",
            str(http_port),
        ],
        cwd=Path(__file__).resolve().parents[1],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", smtp_port), timeout=1):
                return proc
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the mail catcher did not start; see {log_path}") from None
            time.sleep(0.1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", default=os.environ.get("MAIL_CATCHER_DIR", "var/mail"))
    parser.add_argument("--smtp-host", default="127.0.0.1")
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--http-host", default="127.0.0.1")
    parser.add_argument("--http-port", type=int, default=8025)
    args = parser.parse_args(argv)
    controller, httpd = serve(
        Path(args.dir), args.smtp_host, args.smtp_port, args.http_host, args.http_port
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(
        f"SMTP on {args.smtp_host}:{args.smtp_port}, inbox on "
        f"http://{args.http_host}:{args.http_port}/, messages in {args.dir}",
        flush=True,
    )
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.shutdown()
        controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
