"""Errors that cross RPC intact and become problem+json responses in the gateway.

nameko serialises an exception as its class path and args; registering the classes with
``deserialize_to_instance`` lets the caller get the same class back instead of a RemoteError,
so the gateway can map each one to an HTTP status without parsing strings.
"""

from __future__ import annotations

from nameko.exceptions import deserialize_to_instance


class PlatformError(Exception):
    """Base for errors a caller can act on. Args stay JSON-safe so they survive RPC."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, field: str | None = None, errors: dict | None = None) -> None:
        super().__init__(detail, field, errors or {})
        self.detail = detail
        self.field = field
        self.errors = errors or {}

    def __str__(self) -> str:
        return self.detail


@deserialize_to_instance
class ValidationFailed(PlatformError):
    """Input broke a rule; ``field`` names the offending field (dotted path)."""

    status = 422
    title = "Validation failed"


@deserialize_to_instance
class NotFound(PlatformError):
    """Unknown object, or one that belongs to another municipality (never say which)."""

    status = 404
    title = "Not found"


@deserialize_to_instance
class Conflict(PlatformError):
    """The object's state forbids the change, e.g. answers in a closed round."""

    status = 409
    title = "Conflict"


@deserialize_to_instance
class Forbidden(PlatformError):
    status = 403
    title = "Forbidden"


@deserialize_to_instance
class TooManyAttempts(PlatformError):
    """Rate limit against guessing delegate links; the gateway answers 429."""

    status = 429
    title = "Too many attempts"
