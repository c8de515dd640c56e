"""Handing messages to a real SMTP server, and telling a permanent failure from a passing one.

Plain smtplib, so it runs under eventlet (green sockets) in the service and unchanged in tests.
A 5xx refusal of the recipient or of the message is permanent: retrying cannot help, the
coordinator must correct the address. Everything else (connection refused, timeouts, 4xx, a
login or TLS problem) is temporary and retried with backoff, so a fixed configuration or a
server that comes back delivers what waited.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage

from services.common.config import env

SECURITY_MODES = ("none", "starttls", "tls")


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 1025
    security: str = "none"
    username: str = ""
    password: str = ""
    sender: str = "Sikkerhedsbaseline <no-reply@sikkerhedsbaseline.local>"
    timeout: float = 10.0

    @classmethod
    def from_env(cls) -> SmtpSettings:
        security = env("SMTP_SECURITY", "none").lower()
        if security not in SECURITY_MODES:
            raise ValueError(f"SMTP_SECURITY must be one of {', '.join(SECURITY_MODES)}")
        default_port = {"none": "1025", "starttls": "587", "tls": "465"}[security]
        return cls(
            host=env("SMTP_HOST", "127.0.0.1"),
            port=int(env("SMTP_PORT", default_port)),
            security=security,
            username=env("SMTP_USERNAME", ""),
            password=env("SMTP_PASSWORD", ""),
            sender=env("MAIL_FROM", cls.sender),
            timeout=float(env("SMTP_TIMEOUT", "10")),
        )

    @property
    def sender_domain(self) -> str:
        address = self.sender.rsplit("<", 1)[-1].rstrip(">")
        return address.rsplit("@", 1)[-1] or "sikkerhedsbaseline.local"


class SendFailed(Exception):
    """A message was not delivered; ``permanent`` says whether trying again could help."""

    def __init__(self, reason: str, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


@contextmanager
def connect(settings: SmtpSettings) -> Iterator[smtplib.SMTP]:
    """One SMTP session for a batch of messages; connection trouble is a temporary failure."""
    context = ssl.create_default_context()
    try:
        if settings.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        client.ehlo()
        if settings.security == "starttls":
            client.starttls(context=context)
            client.ehlo()
        if settings.username:
            client.login(settings.username, settings.password)
    except (OSError, smtplib.SMTPException) as exc:
        raise SendFailed(f"cannot reach the SMTP server: {type(exc).__name__}", False) from exc
    try:
        yield client
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()


def send(client: smtplib.SMTP, message: EmailMessage, sender: str) -> None:
    """Send one message on an open session or raise SendFailed saying whether it is final."""
    try:
        refused = client.send_message(message, from_addr=_address(sender))
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        permanent = bool(codes) and all(code >= 500 for code in codes)
        raise SendFailed(f"recipient refused ({', '.join(map(str, codes))})", permanent) from exc
    except smtplib.SMTPDataError as exc:
        raise SendFailed(f"message refused ({exc.smtp_code})", exc.smtp_code >= 500) from exc
    except smtplib.SMTPSenderRefused as exc:
        raise SendFailed(f"sender refused ({exc.smtp_code})", False) from exc
    except smtplib.SMTPResponseException as exc:
        raise SendFailed(f"SMTP error {exc.smtp_code}", False) from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise SendFailed(f"SMTP connection failed: {type(exc).__name__}", False) from exc
    if refused:
        codes = [code for code, _ in refused.values()]
        raise SendFailed(
            f"recipient refused ({', '.join(map(str, codes))})", all(c >= 500 for c in codes)
        )


def _address(sender: str) -> str:
    return sender.rsplit("<", 1)[-1].rstrip(">").strip()
