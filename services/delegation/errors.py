"""The delegation service's own error: the mail service is away (never crosses RPC).

``TooManyAttempts``, which the gateway must recognise, is in ``services/common/errors.py``.
"""

from __future__ import annotations


class MailUnavailable(Exception):
    """The mail service did not answer; what it was asked waits (or is shown without mail)."""
