"""The delegation service's own errors: too many refused links (crosses RPC), mail away."""

from __future__ import annotations

from nameko.exceptions import deserialize_to_instance

from services.common.errors import PlatformError


@deserialize_to_instance
class TooManyAttempts(PlatformError):
    """Rate limit against guessing delegate links; the gateway answers 429."""

    status = 429
    title = "Too many attempts"


class MailUnavailable(Exception):
    """The mail service did not answer; what it was asked waits (or is shown without mail)."""
