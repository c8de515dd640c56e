"""Time-based one-time codes (RFC 6238, as authenticator apps use): 6 digits, 30 s, SHA-1.

The codes come from pyotp. A code is accepted one step either side of now (clocks drift, typing
takes time) and never twice: the caller keeps the last accepted step per user and passes it in,
so a code seen over a shoulder or in a log cannot be replayed within its window. pyotp's own
``TOTP.verify`` answers only yes or no, so the window walk that yields the step stays here.
"""

from __future__ import annotations

import hmac

import pyotp
import segno

STEP_SECONDS = 30
DIGITS = 6
WINDOW = 1
ISSUER = "Sikkerhedsbaseline"


def new_secret() -> str:
    """160 random bits in base32, the form authenticator apps accept typed in."""
    return pyotp.random_base32()


def code_at(secret: str, step: int, digits: int = DIGITS) -> str:
    """The HOTP value of one time step (RFC 4226 dynamic truncation)."""
    return pyotp.HOTP(secret, digits=digits).at(step)


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
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account, issuer_name=ISSUER
    )


def qr_data_uri(uri: str) -> str:
    """The address as a QR code in an SVG ``data:`` URI: an ``<img>`` the CSP allows (img-src
    data:), with no inline script or style."""
    return segno.make(uri, error="m").svg_data_uri(scale=4, border=4)


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
