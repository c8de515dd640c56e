"""The outbox's rules in plain words, without a framework.

* One idempotency key, one mail: the key the caller gives is the whole key (unique in the
  table), so queueing again after a timeout returns the first mail instead of a second one.
* An address is one ``local@domain`` without spaces, at most 254 characters; anything else is
  refused when queued, naming the field, rather than failing at SMTP days later.
* A temporary failure backs off exponentially (base, 2×base, 4×base … capped); a permanent one
  (5xx for the recipient or the message), or a mail still unsent after the give-up time, fails
  for good and its link secret is forgotten.
* The Message-ID is derived from the key, so a copy sent again after a crash is recognisably
  the same mail.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

MAX_KEY = 160
MAX_ADDRESS = 254


class AddressInvalid(ValueError):
    pass


def checked_address(address: object) -> str:
    """The address, trimmed; AddressInvalid when it cannot be one."""
    text = address.strip() if isinstance(address, str) else ""
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain or any(c.isspace() for c in text):
        raise AddressInvalid("not an e-mail address")
    if len(text) > MAX_ADDRESS:
        raise AddressInvalid(f"an e-mail address has at most {MAX_ADDRESS} characters")
    return text


def retry_delay(attempts: int, base_seconds: float, max_seconds: float) -> timedelta:
    """Exponential backoff after the ``attempts``-th failure: base, 2×base, 4×base … capped."""
    exponent = max(0, attempts - 1)
    return timedelta(seconds=min(max_seconds, base_seconds * (2 ** min(exponent, 30))))


def gives_up(permanent: bool, created_at: datetime, now: datetime, give_up: timedelta) -> bool:
    """A failure is final when retrying cannot help or the mail has waited too long."""
    return permanent or now - created_at > give_up


def message_id(idempotency_key: str, domain: str) -> str:
    """Stable per message, so a copy sent again after a crash is recognisably the same mail."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]
    return f"<{digest}@{domain}>"
