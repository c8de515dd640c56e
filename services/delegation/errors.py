"""The delegation service's own error that crosses RPC: too many refused links from a client."""

from __future__ import annotations

from nameko.exceptions import deserialize_to_instance

from services.common.errors import PlatformError


@deserialize_to_instance
class TooManyAttempts(PlatformError):
    """Rate limit against guessing delegate links; the gateway answers 429."""

    status = 429
    title = "Too many attempts"
