"""The JSON API: problem+json for every error, CSRF by header, and the happy paths."""

from __future__ import annotations

import json

import pytest

from services.common.errors import Conflict, ValidationFailed

PROBLEM = "application/problem+json"


@pytest.fixture
def logged_in(client, login):
    login()
    return client


def answer(key: str = "governance.policy", unit_id: int | None = None, value: object = 3) -> dict:
    return {"question_key": key, "unit_id": unit_id, "value": value, "na": False}


def assert_problem(response, status: int, field: object = "missing") -> dict:  # noqa: ANN001
    assert response.status_code == status, response.text
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert body["status"] == status
    assert {"type", "title", "detail", "field"} <= body.keys()
    if field != "missing":
        assert body["field"] == field
    return body


def test_me_returns_user_and_csrf_token(logged_in):
    body = logged_in.get("/api/v1/me").get_json()
    assert body["email"] == "koordinator@kk.dk"
    assert body["role"] == "coordinator"
    assert body["municipality_id"] == 101
    assert body["csrf_token"]


def test_unauthenticated_is_401_problem(client):
    assert_problem(client.get("/api/v1/units"), 401, None)
    assert_problem(client.put("/api/v1/rounds/2026/answers", json={"answers": []}), 401)


def test_unknown_api_route_is_404_problem(logged_in, client):
    assert_problem(logged_in.get("/api/v1/nothing/here"), 404, None)
    assert_problem(client.get("/api/v1/nothing/here"), 404)


def test_a_year_no_round_can_have_is_no_route(logged_in, fake_rpc):
    calls = len(fake_rpc.calls)
    for year in (0, 1999, 2101, 4398046511105):
        assert_problem(logged_in.get(f"/api/v1/rounds/{year}/scores"), 404, None)
        assert_problem(logged_in.put(f"/api/v1/rounds/{year}/answers", json={}), 404, None)
        assert logged_in.get(f"/runder/{year}/besvar").status_code == 404
    assert len(fake_rpc.calls) == calls, "an impossible year must not reach a service"


def test_wrong_method_is_problem(logged_in):
    assert_problem(logged_in.delete("/api/v1/rounds"), 405)


def test_malformed_json_is_400_with_null_field(logged_in, api_headers):
    response = logged_in.put("/api/v1/rounds/2026/answers", data="{not json", headers=api_headers())
    body = assert_problem(response, 400, None)
    assert body["detail"] == "Malformed JSON"


def test_wrong_content_type_is_415(logged_in, api_headers):
    headers = api_headers()
    headers["Content-Type"] = "text/plain"
    response = logged_in.put(
        "/api/v1/rounds/2026/answers", data=json.dumps({"answers": [answer()]}), headers=headers
    )
    assert_problem(response, 415)


def test_two_megabyte_body_is_413_and_nothing_is_saved(logged_in, api_headers, fake_rpc):
    body = json.dumps({"answers": [answer(value="x" * (2 * 1024 * 1024))]})
    response = logged_in.put("/api/v1/rounds/2026/answers", data=body, headers=api_headers())
    assert_problem(response, 413)
    assert fake_rpc.calls_to("save_answers") == []
    assert fake_rpc.survey.answers == {}


def test_schema_violation_is_422_naming_the_field(logged_in, api_headers):
    response = logged_in.put(
        "/api/v1/rounds/2026/answers",
        json={"answers": [{"unit_id": None, "value": 3}]},
        headers=api_headers(),
    )
    body = assert_problem(response, 422, "answers[0].question_key")
    assert "answers[0].question_key" in body["errors"]


def test_more_than_500_answers_is_422(logged_in, api_headers):
    batch = [answer(value=3) for _ in range(501)]
    response = logged_in.put(
        "/api/v1/rounds/2026/answers", json={"answers": batch}, headers=api_headers()
    )
    assert_problem(response, 422, "answers")


def test_validation_failed_from_survey_keeps_status_and_field(logged_in, api_headers):
    response = logged_in.put(
        "/api/v1/rounds/2026/answers",
        json={
            "answers": [
                answer(value=3),
                answer("governance.training", value="yes"),
                answer(value=9),
            ]
        },
        headers=api_headers(),
    )
    assert_problem(response, 422, "answers[2].value")


def test_conflict_from_survey_is_409(logged_in, api_headers):
    response = logged_in.put(
        "/api/v1/rounds/2025/answers", json={"answers": [answer()]}, headers=api_headers()
    )
    assert_problem(response, 409)


def test_service_unavailable_is_503_with_retry_after(logged_in, fake_rpc):
    fake_rpc.down.add("survey")
    response = logged_in.get("/api/v1/units")
    body = assert_problem(response, 503)
    assert body["service"] == "survey"
    assert int(response.headers["Retry-After"]) > 0


def test_unexpected_remote_error_is_500_without_internals(logged_in, fake_rpc, monkeypatch):
    from nameko.exceptions import RemoteError

    def broken(municipality_id):  # noqa: ANN001, ANN202
        raise RemoteError("KeyError", "secret internal detail")

    monkeypatch.setattr(fake_rpc.survey, "list_units", broken)
    response = logged_in.get("/api/v1/units")
    body = assert_problem(response, 500)
    assert "secret" not in response.text and "KeyError" not in json.dumps(body)


def test_save_answers_happy_path(logged_in, api_headers, fake_rpc):
    response = logged_in.put(
        "/api/v1/rounds/2026/answers",
        json={"answers": [answer(), answer("governance.owner", unit_id=3, value=4)]},
        headers=api_headers(),
    )
    assert response.status_code == 200, response.text
    assert response.get_json()["saved"] == 2
    listed = logged_in.get("/api/v1/rounds/2026/answers?unit_id=3").get_json()
    assert [a["question_key"] for a in listed] == ["governance.owner"]
    history = logged_in.get(
        "/api/v1/rounds/2026/answers/history?question_key=governance.policy"
    ).get_json()
    assert history[0]["new"]["value"] == 3


def test_history_needs_question_key(logged_in):
    assert_problem(logged_in.get("/api/v1/rounds/2026/answers/history"), 422, "question_key")


def test_rounds_hide_drafts(logged_in):
    years = [r["year"] for r in logged_in.get("/api/v1/rounds").get_json()]
    assert years == [2026, 2025]
    assert_problem(logged_in.get("/api/v1/rounds/2027"), 404)
    assert_problem(logged_in.get("/api/v1/rounds/1999"), 404)
    questionnaire = logged_in.get("/api/v1/rounds/2026/questionnaire").get_json()
    assert questionnaire["year"] == 2026


def test_progress_and_scores(logged_in):
    progress = logged_in.get("/api/v1/rounds/2026/progress").get_json()
    assert progress["municipality"]["expected"] == 11
    scores = logged_in.get("/api/v1/rounds/2026/scores").get_json()
    assert scores["overall"] == 2.5


def test_units_create_patch_delete(logged_in, api_headers, fake_rpc):
    created = logged_in.post(
        "/api/v1/units",
        json={"name": "Kultur", "kind": "forvaltning", "responsible_email": "a@kk.dk"},
        headers=api_headers(),
    )
    assert created.status_code == 201, created.text
    unit_id = created.get_json()["id"]
    assert created.headers["Location"] == f"/api/v1/units/{unit_id}"

    patched = logged_in.patch(
        f"/api/v1/units/{unit_id}", json={"name": "Kultur og Fritid"}, headers=api_headers()
    )
    assert patched.status_code == 200, patched.text
    assert patched.get_json()["name"] == "Kultur og Fritid"
    assert patched.get_json()["responsible_email"] == "a@kk.dk"

    bad = logged_in.patch(
        f"/api/v1/units/{unit_id}", json={"kind": "afdeling"}, headers=api_headers()
    )
    assert_problem(bad, 422, "parent_id")

    assert logged_in.delete(f"/api/v1/units/{unit_id}", headers=api_headers()).status_code == 204
    assert_problem(logged_in.delete(f"/api/v1/units/{unit_id}", headers=api_headers()), 404)


def test_delete_unit_with_answers_is_409(logged_in, api_headers, fake_rpc):
    fake_rpc.survey.unit_with_answers.add(1)
    assert_problem(logged_in.delete("/api/v1/units/1", headers=api_headers()), 409)


def test_copy_forward(logged_in, api_headers, fake_rpc):
    response = logged_in.post(
        "/api/v1/rounds/2026/copy-forward", json={"from_year": 2025}, headers=api_headers()
    )
    assert response.get_json() == {"copied": 0, "skipped": 0}
    _, _, _, args = fake_rpc.calls_to("copy_forward")[0]
    assert (args["municipality_id"], args["from_year"], args["to_year"]) == (101, 2025, 2026)
    assert args["actor"]["role"] == "coordinator"
    missing = logged_in.post("/api/v1/rounds/2026/copy-forward", json={}, headers=api_headers())
    assert_problem(missing, 422, "from_year")


@pytest.mark.parametrize(
    "error", [ValidationFailed("bad", field="answers[0].comment"), Conflict("closed")]
)
def test_platform_errors_pass_through(logged_in, api_headers, fake_rpc, error):
    fake_rpc.survey.fail_next_save = error
    response = logged_in.put(
        "/api/v1/rounds/2026/answers", json={"answers": [answer()]}, headers=api_headers()
    )
    assert_problem(response, error.status, error.field)


def test_foreign_unit_in_query_is_404(logged_in):
    assert_problem(logged_in.get("/api/v1/rounds/2026/answers?unit_id=9"), 404)
    response = logged_in.get(
        "/api/v1/rounds/2026/answers/history?question_key=governance.owner&unit_id=9"
    )
    assert_problem(response, 404, "unit_id")


def test_history_is_newest_first(logged_in, api_headers):
    for value in (2, 5):
        logged_in.put(
            "/api/v1/rounds/2026/answers",
            json={"answers": [answer(value=value)]},
            headers=api_headers(),
        )
    history = logged_in.get(
        "/api/v1/rounds/2026/answers/history?question_key=governance.policy"
    ).get_json()
    assert [h["new"]["value"] for h in history] == [5, 2]
