"""The JSON API under ``/api/v1``: same session as the pages, CSRF token in a header.

Every view declares its OpenAPI operation with ``@operation``; the document is generated from
those declarations and the marshmallow schemas, so a route cannot exist undocumented.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, g, request
from marshmallow import Schema

from gateway.problems import problem
from gateway.security import UNSAFE_METHODS, token_matches
from services.common.validation import load

api = Blueprint("api", __name__, url_prefix="/api/v1")

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
# The deepest body the API reads (an answer batch is 4 levels deep); Python's parser, schema
# loading and the NUL check all recurse, so 100,000 levels were a crash instead of an answer.
MAX_JSON_DEPTH = 32
# A JSON string (skipped whole with its escapes; an unclosed one runs to the end, and the
# possessive ``*+`` never backtracks, so any body is one linear pass) or one bracket.
_JSON_NESTING_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*+(?:"|\\?\Z)|[\[\]{}]', re.DOTALL)
PUBLIC_ENDPOINTS = frozenset({"api.openapi"})


@dataclass
class Operation:
    """What the OpenAPI document says about one view."""

    summary: str
    response: Schema | None = None
    request: Schema | None = None
    query: Schema | None = None
    status: int = 200
    errors: tuple[int, ...] = ()
    description: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)


def operation(summary: str, **details: Any) -> Callable[[Callable], Callable]:
    def decorator(view: Callable) -> Callable:
        view.openapi = Operation(summary, **details)
        return view

    return decorator


@api.before_request
def guard() -> Any:
    """Authenticated (401), JSON (415) and carrying the CSRF token (403) for changes."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if g.user is None:
        return problem(401, "Log in first; the API uses the same session cookie as the pages.")
    has_body = bool(request.content_length) or request.headers.get("Transfer-Encoding")
    if request.method in BODY_METHODS and has_body and request.mimetype != "application/json":
        return problem(415, "Send the body as JSON with Content-Type: application/json.")
    if request.method in UNSAFE_METHODS and not token_matches(request.headers.get("X-CSRF-Token")):
        return problem(
            403,
            "The X-CSRF-Token header is missing or wrong; GET /api/v1/me returns the token.",
            title="CSRF token missing or invalid",
            field="X-CSRF-Token",
        )
    return None


def json_body() -> Any:
    """The parsed body; a body over 1 MiB is a 413 before anything is parsed or saved."""
    raw = request.get_data(cache=True)
    if nesting_depth(raw.decode("utf-8", "replace")) > MAX_JSON_DEPTH:
        abort(
            problem(
                400,
                f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep.",
                title="JSON nested too deeply",
                field="body",
            )
        )
    try:
        return json.loads(raw, parse_constant=_reject_constant)
    except ValueError:
        abort(problem(400, "Malformed JSON"))


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in ``text``, brackets inside strings ignored;
    counted before parsing, so depth costs one regular-expression pass and no recursion."""
    depth = deepest = 0
    for token in _JSON_NESTING_TOKEN.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif bracket in "]}":
            depth -= 1
    return deepest


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def load_body(schema: Schema, **kwargs: Any) -> Any:
    """Validated input; errors become 422 naming the field (``answers[0].question_key``)."""
    body = json_body()
    if not isinstance(body, dict):
        abort(problem(422, "The body must be a JSON object.", field="body"))
    return load(schema, body, **kwargs)


def load_query(schema: Schema) -> Any:
    return load(schema, request.args.to_dict())


from gateway.api import (  # noqa: E402, F401
    admin,
    answers,
    audit,
    benchmark,  # noqa: E402, F401
    delegations,
    me,
    openapi,
    reports,
    rounds,
    units,
)
