"""``GET /api/v1/openapi.json``: OpenAPI 3.1, generated from the routes and their schemas.

The converter knows the marshmallow field types this API uses; an unknown type raises, so a
new field type cannot silently produce a wrong document.
"""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

from flask import Flask, current_app, jsonify
from marshmallow import Schema, fields, validate

from gateway.api import Operation, api, operation
from gateway.api.schemas import OpenApiSchema, ProblemSchema
from services.common.years import FIRST_YEAR, LAST_YEAR

DESCRIPTION = """\
JSON API of the municipal information-security baseline platform.

**Session.** The API uses the same session cookie as the web pages: log in through the login
page first. Every request acts for the municipality of the logged-in user; a municipality id in
a URL or body is ignored. KL analysts and admins get 403 on municipality data.

**CSRF.** Every POST, PUT, PATCH and DELETE must send the header `X-CSRF-Token` with the token
returned by `GET /api/v1/me` (403 otherwise), and every request with a body must use
`Content-Type: application/json` (415 otherwise).

**Errors** are `application/problem+json` (RFC 9457) with `type`, `title`, `status`, `detail`,
`field` (the offending input, e.g. `answers[0].value`, or null) and, for validation, `errors`
(all messages by field). 400 malformed JSON, 401 not logged in, 403 role or CSRF, 404 not found
(also for another municipality's objects), 409 conflict (e.g. a closed round), 413 body over
1 MiB, 415 not JSON, 422 validation, 503 a service is unavailable (with `Retry-After`).
"""

PROBLEM_STATUSES = (400, 401, 403, 404, 409, 413, 415, 422, 503)
CONVERTERS = {
    "int": {"type": "integer", "minimum": 0},
    "year": {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR},
    "default": {"type": "string"},
}
RULE_ARGUMENT = re.compile(r"<(?:(\w+):)?(\w+)>")


def _name(schema: Schema | type[Schema]) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    return cls.__name__.removesuffix("Schema")


class Converter:
    """marshmallow → JSON Schema 2020-12 (as OpenAPI 3.1 uses), collecting components."""

    def __init__(self) -> None:
        self.components: dict[str, dict] = {}

    def ref(self, schema: Schema, partial: bool = False) -> dict:
        name = _name(schema) + ("Patch" if partial else "")
        if name not in self.components:
            self.components[name] = {}
            self.components[name] = self.schema(schema, partial)
        return {"$ref": f"#/components/schemas/{name}"}

    def schema(self, schema: Schema, partial: bool = False) -> dict:
        properties = {}
        required = []
        for name, field in schema.fields.items():
            key = field.data_key or name
            properties[key] = self.field(field)
            if field.required and not partial:
                required.append(key)
        result: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            result["required"] = required
        if schema.__doc__:
            result["description"] = " ".join(schema.__doc__.split())
        return result

    def field(self, field: fields.Field) -> dict:
        result = self._type(field)
        for validator in field.validators:
            result.update(self._validator(validator, result.get("type")))
        if field.metadata.get("description"):
            result["description"] = field.metadata["description"]
        if field.metadata.get("format"):
            result["format"] = field.metadata["format"]
        if field.allow_none:
            if "$ref" in result:
                result = {"anyOf": [result, {"type": "null"}]}
            elif "type" in result:
                result["type"] = [result["type"], "null"]
            if "enum" in result:
                result["enum"] = [*result["enum"], None]
        return result

    def _type(self, field: fields.Field) -> dict:
        if isinstance(field, fields.Nested):
            nested = field.nested() if callable(field.nested) else field.nested
            if isinstance(nested, type):
                nested = nested()
            ref = self.ref(nested)
            return {"type": "array", "items": ref} if field.many else ref
        if isinstance(field, fields.List):
            return {"type": "array", "items": self.field(field.inner)}
        if isinstance(field, fields.Dict):
            result: dict[str, Any] = {"type": "object"}
            if field.value_field is not None:
                result["additionalProperties"] = self.field(field.value_field)
            return result
        if isinstance(field, fields.Email):
            return {"type": "string", "format": "email"}
        if isinstance(field, fields.Date):
            return {"type": "string", "format": "date"}
        if isinstance(field, fields.DateTime):
            return {"type": "string", "format": "date-time"}
        if isinstance(field, fields.String):
            return {"type": "string"}
        if isinstance(field, fields.Integer):
            return {"type": "integer"}
        if isinstance(field, fields.Float | fields.Number):
            return {"type": "number"}
        if isinstance(field, fields.Boolean):
            return {"type": "boolean"}
        if type(field) is fields.Raw:
            return {}
        raise TypeError(f"no JSON Schema for {type(field).__name__}")

    @staticmethod
    def _validator(validator: Any, kind: Any) -> dict:
        if isinstance(validator, validate.Length):
            prefix = "Items" if kind == "array" else "Length"
            bounds = {}
            if validator.min is not None:
                bounds[f"min{prefix}"] = validator.min
            if validator.max is not None:
                bounds[f"max{prefix}"] = validator.max
            return bounds
        if isinstance(validator, validate.OneOf):
            return {"enum": list(validator.choices)}
        if isinstance(validator, validate.Email):
            return {"format": "email"}
        if isinstance(validator, validate.Range):
            bounds = {}
            if validator.min is not None:
                bounds["minimum"] = validator.min
            if validator.max is not None:
                bounds["maximum"] = validator.max
            return bounds
        raise TypeError(f"no JSON Schema for validator {type(validator).__name__}")


def openapi_path(rule: str) -> str:
    return RULE_ARGUMENT.sub(lambda m: "{" + m.group(2) + "}", rule)


def _problem_response(status: int) -> dict:
    response: dict[str, Any] = {
        "description": HTTPStatus(status).phrase,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }
    if status == 503:
        response["headers"] = {
            "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {"type": "integer"},
            }
        }
    return response


def _parameters(rule: Any, op: Operation, converter: Converter) -> list[dict]:
    params = []
    for kind, name in RULE_ARGUMENT.findall(rule.rule):
        schema = CONVERTERS.get(kind or "default", CONVERTERS["default"])
        params.append({"name": name, "in": "path", "required": True, "schema": dict(schema)})
    if op.query is not None:
        for name, field in op.query.fields.items():
            schema = converter.field(field)
            if isinstance(schema.get("type"), list):
                schema["type"] = schema["type"][0]
            params.append(
                {
                    "name": field.data_key or name,
                    "in": "query",
                    "required": bool(field.required),
                    "schema": schema,
                }
            )
    return params


def _operation(rule: Any, method: str, op: Operation, converter: Converter) -> dict:
    public = rule.endpoint == "api.openapi"
    doc: dict[str, Any] = {
        "operationId": rule.endpoint.removeprefix("api.").replace(".", "_"),
        "summary": op.summary,
        "tags": list(op.tags) or ["api"],
        "parameters": _parameters(rule, op, converter),
    }
    if op.description:
        doc["description"] = op.description
    success: dict[str, Any] = {"description": HTTPStatus(op.status).phrase}
    if op.response is not None:
        many = getattr(op.response, "many", False)
        ref = converter.ref(op.response)
        schema = {"type": "array", "items": ref} if many else ref
        success["content"] = {"application/json": {"schema": schema}}
    responses: dict[str, Any] = {str(op.status): success}
    statuses = set(op.errors) | {503}
    if not public:
        statuses |= {401, 403}
    if op.request is not None or op.query is not None:
        statuses |= {422}
    if op.request is not None:
        doc["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {"schema": converter.ref(op.request, op.request.partial)}
            },
        }
        statuses |= {400, 413, 415}
    for status in sorted(statuses):
        responses[str(status)] = {"$ref": f"#/components/responses/Problem{status}"}
    doc["responses"] = responses
    if public:
        doc["security"] = []
    elif method in ("post", "put", "patch", "delete"):
        doc["security"] = [{"session": [], "csrf": []}]
    return doc


def build_document(app: Flask) -> dict:
    """Walk the URL map: every /api/v1 route must have an ``@operation`` declaration."""
    converter = Converter()
    converter.ref(ProblemSchema())
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(api.url_prefix):
            continue
        op = getattr(app.view_functions[rule.endpoint], "openapi", None)
        if op is None:
            raise LookupError(f"{rule.rule} has no @operation")
        path = paths.setdefault(openapi_path(rule.rule), {})
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            path[method.lower()] = _operation(rule, method.lower(), op, converter)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Sikkerhedsbaseline API",
            "version": "1.0.0",
            "description": DESCRIPTION,
        },
        "servers": [{"url": "/"}],
        "security": [{"session": []}],
        "paths": paths,
        "components": {
            "schemas": converter.components,
            "responses": {f"Problem{s}": _problem_response(s) for s in PROBLEM_STATUSES},
            "securitySchemes": {
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": app.config["SESSION_COOKIE_NAME"],
                    "description": "The session cookie set by logging in on /login.",
                },
                "csrf": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-CSRF-Token",
                    "description": "The csrf_token of GET /api/v1/me; required on changes.",
                },
            },
        },
    }


@api.get("/openapi.json")
@operation("This OpenAPI document", response=OpenApiSchema(), tags=("meta",))
def openapi() -> Any:
    if "openapi_document" not in current_app.extensions:
        current_app.extensions["openapi_document"] = build_document(current_app)
    return jsonify(current_app.extensions["openapi_document"])
