"""The local SMTP catcher (tools/mail_catcher.py) as a process the tests start, stop and read.

A real SMTP server on loopback: the mail service talks to it exactly as it talks to a
municipality's mail relay, and every accepted message lands as a file the tests parse.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from services.common.config import REPO_ROOT
from tests.support.platform import free_port

LINK = re.compile(r"https?://\S+/delegering/([A-Za-z0-9_-]{43})")


class MailCatcher:
    def __init__(self, folder: Path, smtp_port: int | None = None) -> None:
        self.folder = folder
        self.smtp_port = smtp_port or free_port()
        self.http_port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> MailCatcher:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tools.mail_catcher",
                "--dir",
                str(self.folder),
                "--smtp-port",
                str(self.smtp_port),
                "--http-port",
                str(self.http_port),
            ],
            cwd=REPO_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.smtp_port), timeout=1):
                    return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the mail catcher did not start") from None
                time.sleep(0.1)

    def stop(self) -> None:
        """Kill it outright, as a crashed or unreachable mail server would be."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def messages(self) -> list[EmailMessage]:
        if not self.folder.exists():
            return []
        found = []
        for path in sorted(self.folder.glob("*.eml")):
            with open(path, "rb") as handle:
                found.append(BytesParser(policy=policy.default).parse(handle))
        return found

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages() if address in str(m["To"])]

    def wait_for(self, address: str, count: int = 1, timeout: float = 20) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while True:
            found = self.to(address)
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(found)} of {count} mails to {address} arrived")
            time.sleep(0.2)


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def token_in(message: EmailMessage) -> str:
    match = LINK.search(text_of(message))
    assert match, "no delegate link in the mail"
    return match.group(1)


def link_in(message: EmailMessage) -> str:
    match = re.search(r"https?://\S+/delegering/[A-Za-z0-9_-]{43}", text_of(message))
    assert match, "no delegate link in the mail"
    return match.group(0)
