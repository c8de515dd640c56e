"""Secret links: 256-bit random tokens of which only a SHA-256 is ever stored.

Delegate links (delegation service) and account links (invitations, password resets in the
gateway) use the same rules: long enough that guessing is hopeless, looked up through their hash
so the database holds nothing that opens a link, and shape-checked before any lookup.
"""

from __future__ import annotations

import hashlib
import re
import secrets

TOKEN_BYTES = 32
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def new_token() -> str:
    """43 URL-safe characters carrying 256 random bits."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def looks_like_token(candidate: object) -> bool:
    """A cheap shape check so that tampered or truncated links are refused before any lookup."""
    return isinstance(candidate, str) and bool(TOKEN_PATTERN.match(candidate))
