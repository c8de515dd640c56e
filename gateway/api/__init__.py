"""The JSON API under ``/api/v1``: same session as the pages, CSRF token in a header.

``base`` holds the blueprint and the helpers; importing the view modules here registers their
routes on it, so ``gateway.blueprints`` lists the one ``api`` blueprint.
"""

from __future__ import annotations

from gateway.api import (
    admin,
    answers,
    audit,
    benchmark,
    delegations,
    me,
    openapi,
    reports,
    rounds,
    units,
)
from gateway.api.base import api

__all__ = ["admin", "answers", "api", "audit", "benchmark", "delegations", "me", "openapi"]
__all__ += ["reports", "rounds", "units"]
