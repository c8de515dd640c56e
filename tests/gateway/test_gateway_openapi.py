"""The OpenAPI document covers every /api/v1 route, from the live URL map."""

from __future__ import annotations

import re

import pytest
from apispec import APISpec
from marshmallow import Schema, fields, validate

from gateway.api.openapi import Plugin, schema_name


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def test_every_api_rule_is_documented(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1")]
    assert len(rules) >= 15
    for rule in rules:
        path = document["paths"].get(_openapi_path(rule.rule))
        assert path is not None, f"{rule.rule} is not in openapi.json"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in path, f"{method} {rule.rule} is not documented"


def test_operations_have_problem_responses_and_valid_refs(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    responses = document["components"]["responses"]
    text = str(document)
    for ref in re.findall(r"#/components/schemas/(\w+)", text):
        assert ref in schemas
    for ref in re.findall(r"#/components/responses/(\w+)", text):
        assert ref in responses
    operation_ids = [
        operation["operationId"]
        for operations in document["paths"].values()
        for operation in operations.values()
    ]
    assert len(operation_ids) == len(set(operation_ids))
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation["operationId"]
            if path != "/api/v1/openapi.json":
                assert "401" in operation["responses"], (method, path)
            assert "503" in operation["responses"]
    put = document["paths"]["/api/v1/rounds/{year}/answers"]["put"]
    assert {"400", "413", "415", "422"} <= put["responses"].keys()
    assert put["security"] == [{"session": [], "csrf": []}]
    assert "Retry-After" in responses["Problem503"]["headers"]


def test_schemas_come_from_marshmallow(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    query = document["paths"]["/api/v1/rounds/{year}/answers"]["get"]["parameters"]
    unit = next(p for p in query if p["name"] == "unit_id")
    assert (unit["in"], unit["required"], unit["schema"]) == ("query", False, {"type": "integer"})
    batch = schemas["AnswerBatch"]
    assert batch["required"] == ["answers"]
    assert batch["properties"]["answers"]["maxItems"] == 500
    answer = schemas["AnswerIn"]
    assert answer["required"] == ["question_key"]
    assert answer["properties"]["unit_id"]["type"] == ["integer", "null"]
    assert schemas["UnitIn"]["properties"]["kind"]["enum"] == ["forvaltning", "afdeling"]
    assert "required" not in schemas["UnitInPatch"]
    assert schemas["Problem"]["properties"]["field"]["type"] == ["string", "null"]


def test_document_explains_csrf_and_is_public(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    description = response.get_json()["info"]["description"]
    assert "X-CSRF-Token" in description and "application/json" in description


def _spec_of(schema: type[Schema]) -> dict:
    spec = APISpec("t", "1", "3.1.0", plugins=[Plugin(schema_name_resolver=schema_name)])
    spec.components.schema("Probe", schema=schema)
    return spec.to_dict()["components"]["schemas"]["Probe"]


def test_a_validator_without_json_schema_is_refused_not_dropped():
    class Shouted(Schema):
        word = fields.String(validate=validate.Predicate("isupper"))

    with pytest.raises(TypeError, match="no JSON Schema for validator Predicate"):
        _spec_of(Shouted)


def test_conventions_docstring_email_format_and_no_promise_on_unknown_fields():
    class Contact(Schema):
        """Who to write to."""

        address = fields.String(validate=validate.Email())

    probe = _spec_of(Contact)
    assert probe["description"] == "Who to write to."
    assert probe["properties"]["address"] == {"type": "string", "format": "email"}
    assert "additionalProperties" not in probe
    assert schema_name(Contact(partial=True)) == "ContactPatch"
