"""The OpenAPI document covers every /api/v1 route, from the live URL map."""

from __future__ import annotations

import re


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
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
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
