"""Time-based one-time codes (RFC 6238, as authenticator apps use): 6 digits, 30 s, SHA-1.

A code is accepted one step either side of now (clocks drift, typing takes time) and never twice:
the caller keeps the last accepted step per user and passes it in, so a code seen over a
shoulder or in a log cannot be replayed within its window.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
WINDOW = 1
ISSUER = "Sikkerhedsbaseline"


def new_secret() -> str:
    """160 random bits in base32, the form authenticator apps accept typed in."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").rstrip("=")


def _key(secret: str) -> bytes:
    cleaned = secret.replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def code_at(secret: str, step: int, digits: int = DIGITS, digest: str = "sha1") -> str:
    """The HOTP value of one time step (RFC 4226 dynamic truncation)."""
    mac = hmac.new(_key(secret), struct.pack(">Q", step), getattr(hashlib, digest)).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def step_of(unix_time: float) -> int:
    return int(unix_time // STEP_SECONDS)


def verify(secret: str, code: str, unix_time: float, last_step: int | None) -> int | None:
    """The matched time step when ``code`` is valid now and newer than ``last_step``."""
    code = code.replace(" ", "").strip()
    # ASCII digits only: "²²²²²²" passes str.isdigit, and compare_digest refuses non-ASCII text.
    if len(code) != DIGITS or not (code.isascii() and code.isdigit()):
        return None
    now = step_of(unix_time)
    for step in range(now - WINDOW, now + WINDOW + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


def provisioning_uri(secret: str, account: str) -> str:
    """The otpauth:// address an authenticator app reads (also shown as text to type in)."""
    label = quote(f"{ISSUER}:{account}")
    query = urlencode(
        {"secret": secret, "issuer": ISSUER, "digits": DIGITS, "period": STEP_SECONDS}
    )
    return f"otpauth://totp/{label}?{query}"


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
