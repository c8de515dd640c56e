"""Hostile input (issue 12): no value from outside turns into a 500.

The walker takes every route of the app from ``app.url_map`` (pages and API, so a new route is
covered without anyone adding it here) and sends hostile values to every path parameter, to
every query and form parameter the gateway reads (names found in its source and its API
schemas) and to every field of each API request schema, plus a JSON body nested 100,000 deep;
as an anonymous visitor, a coordinator, a KL analyst and an admin. Nothing may answer 5xx.

The fake services stand in for the database as well: an integer argument outside PostgreSQL's
``integer`` range makes them raise as the database would ("integer out of range"), so an id
that slips past the gateway's parser is a 500 here too.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from marshmallow import Schema, fields

import gateway
from gateway.accounts import create_user
from gateway.api import MAX_JSON_DEPTH, nesting_depth
from services.common.errors import NotFound, ValidationFailed
from services.common.numbers import DB_INT_MAX, check_id_arguments, parse_int, try_parse_int
from services.common.validation import DbInteger, load
from tests.gateway.conftest import PASSWORD

# One request per class and place: the first value a view refuses ends the request, so each
# class goes to every parameter at once. (Arabic-Indic digits and other odd but harmless
# values are in the parser's own table below; here only what used to crash.)
HOSTILE_TEXT = {
    "superscript digit": "²",
    "beyond 64 bits": "99999999999999999999",
    "beyond PostgreSQL integer": "2147483648",
    "control characters": "1\t\n\r\x0b\x1f",
    "very long": "9" * 5000,
}
HOSTILE_JSON = {
    "superscript digit": "²",
    "beyond 64 bits": 99999999999999999999,
    "beyond PostgreSQL integer": DB_INT_MAX + 1,
    "bool": True,
    "very long text": "å" * 3000,
}
DEEP_JSON = "[" * 100_000 + "]" * 100_000
OVERFLOWING_NUMBER = "1e400"  # a valid JSON number that Python reads as infinity
VALID_PATH = {"year": "2026", "int": "1"}
SKIPPED_METHODS = {"HEAD", "OPTIONS"}
LAST_ENDPOINTS = ("auth.logout",)


class DatabaseRange(Exception):
    """What PostgreSQL says to an integer beyond its column: never handled, so a 500."""


def _out_of_range(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not -DB_INT_MAX - 1 <= value <= DB_INT_MAX
    if isinstance(value, dict):
        return any(_out_of_range(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_out_of_range(v) for v in value)
    return False


@pytest.fixture
def guarded_rpc(fake_rpc):  # noqa: ANN001, ANN201
    """The fakes with the database's integer range; a method a fake lacks is a NotFound."""
    call = fake_rpc.call

    def guarded(service: str, method: str, *args: object, **kwargs: object) -> object:
        if _out_of_range(args) or _out_of_range(kwargs):
            raise DatabaseRange(f"{service}.{method}: integer out of range")
        if not hasattr(fake_rpc.services.get(service), method):
            raise NotFound(f"the fake {service} has no {method}")
        return call(service, method, *args, **kwargs)

    fake_rpc.call = guarded
    return fake_rpc


def parameter_names(app) -> set[str]:  # noqa: ANN001
    """Every name the gateway reads with ``.get("...")`` (query, form, values, and harmless
    extras), every ``number_arg``, and every field of the API's query and request schemas."""
    source = "\n".join(p.read_text() for p in Path(gateway.__file__).parent.rglob("*.py"))
    names = set(re.findall(r'(?:\.get|\.getlist|number_arg)\(\s*"([A-Za-z_]\w*)"', source))
    for view in app.view_functions.values():
        spec = getattr(view, "openapi", None)
        for schema in (spec.query, spec.request) if spec else ():
            if schema is not None:
                names.update(schema.fields)
    return names - {"csrf_token"}


def hostile_body(schema: Schema, value: object) -> dict:
    """Every field of ``schema`` set to ``value``, nested schemas and lists filled alike."""
    body: dict = {}
    for name, field in schema.fields.items():
        if isinstance(field, fields.Nested):
            inner = field.schema
            body[name] = [hostile_body(inner, value)] if field.many else hostile_body(inner, value)
        elif isinstance(field, fields.List) and isinstance(field.inner, fields.Nested):
            body[name] = [hostile_body(field.inner.schema, value)]
        elif isinstance(field, fields.List):
            body[name] = [value]
        else:
            body[name] = value
    return body


def path_for(rule, hostile: str | None = None, slot: str | None = None) -> str:  # noqa: ANN001
    """The rule's path with valid values, or ``hostile`` in the argument ``slot``."""
    path = rule.rule
    for match in re.finditer(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", rule.rule):
        converter, name = match.group(1) or "default", match.group(2)
        value = hostile if name == slot else VALID_PATH.get(converter, "x")
        path = path.replace(match.group(0), quote(value, safe=""), 1)
    return path


def refused(response) -> bool:  # noqa: ANN001
    """The role may not use the route: 401, 403 or sent to the login page."""
    to_login = response.status_code == 302 and response.location.startswith("/login")
    return response.status_code in (401, 403) or to_login


class Walker:
    """Walks each route as the first role that may use it, so the hostile values reach the
    view's own parsing rather than stopping at the login check."""

    def __init__(self, app, clients: list[tuple[str, object, str, str]], names: set[str]) -> None:  # noqa: ANN001
        self.app, self.clients, self.names = app, clients, names
        self.failures: list[str] = []
        self.requests = 0

    def send(self, client, what: str, method: str, path: str, **kwargs: object):  # noqa: ANN001, ANN201
        self.requests += 1
        try:
            response = client.open(path, method=method, **kwargs)
            status = response.status_code
        except Exception as exc:  # noqa: BLE001 - any escaping exception is a 500
            response, status = None, f"{type(exc).__name__}: {str(exc)[:120]}"
        if not isinstance(status, int) or status >= 500:
            self.failures.append(f"{method} {path[:80]} ({what}): {status}")
        return response

    def walk(self, rule) -> None:  # noqa: ANN001
        for method in sorted(rule.methods - SKIPPED_METHODS):
            for role, client, cookie, token in self.clients:
                client.set_cookie(self.app.config["SESSION_COOKIE_NAME"], cookie)
                probe = self.send(
                    client,
                    f"{role} probe",
                    method,
                    path_for(rule),
                    **self.extras(rule, method, token),
                )
                if probe is None or not refused(probe):
                    self.walk_as(client, token, rule, method)
                    break

    def extras(
        self, rule, method: str, token: str, query: dict | None = None, form: dict | None = None
    ) -> dict:  # noqa: ANN001
        if rule.rule.startswith("/api/"):
            return {"headers": {"X-CSRF-Token": token}, "query_string": query}
        if method == "GET":
            return {"query_string": query}
        return {"query_string": query, "data": {**(form or {}), "csrf_token": token}}

    def walk_as(self, client, token: str, rule, method: str) -> None:  # noqa: ANN001
        send = functools.partial(self.send, client)
        for slot in rule.arguments:
            for label, value in HOSTILE_TEXT.items():
                path = path_for(rule, value, slot)
                send(f"path {slot}: {label}", method, path, **self.extras(rule, method, token))
        path = path_for(rule)
        for label, value in HOSTILE_TEXT.items():
            values = dict.fromkeys(self.names, value)
            send(
                f"query/form: {label}",
                method,
                path,
                **self.extras(rule, method, token, values, values),
            )
        if rule.rule.startswith("/api/") and method in ("POST", "PUT", "PATCH"):
            spec = getattr(self.app.view_functions[rule.endpoint], "openapi", None)
            schema = spec.request if spec and spec.request is not None else Schema()
            bodies = {k: json.dumps(hostile_body(schema, v)) for k, v in HOSTILE_JSON.items()}
            bodies["deep JSON"] = DEEP_JSON
            bodies["1e400"] = json.dumps(hostile_body(schema, 0)).replace("0", OVERFLOWING_NUMBER)
            for label, body in bodies.items():
                send(
                    f"body: {label}",
                    method,
                    path,
                    data=body,
                    content_type="application/json",
                    headers={"X-CSRF-Token": token},
                )


def log_in_as(client, email: str, municipality: str) -> None:  # noqa: ANN001
    client.get("/login")
    with client.session_transaction() as session:
        token = session["csrf"]
    form = {"municipality": municipality, "email": email, "password": PASSWORD}
    response = client.post("/login", data={**form, "csrf_token": token})
    assert response.status_code == 302, email


def test_every_route_survives_hostile_values(app, guarded_rpc):
    with app.app_context():
        db = app.extensions["gateway_db"]()
        create_user(
            db,
            municipality_id=None,
            email="admin@kl.dk",
            name="Admin",
            role="admin",
            password=PASSWORD,
        )
        db.commit()
        db.close()
    rules = sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint != "static"),
        key=lambda r: (r.endpoint in LAST_ENDPOINTS, r.rule),
    )
    names = parameter_names(app)
    assert {"unit", "enhed", "aar", "unit_id", "municipality", "year", "parent_id"} <= names
    clients = []
    for email, municipality in (
        (None, None),
        ("koordinator@kk.dk", "101"),
        ("analytiker@kl.dk", "kl"),
        ("admin@kl.dk", "kl"),
    ):
        client = app.test_client()
        if email:
            log_in_as(client, email, municipality)
        client.get("/login")
        with client.session_transaction() as session:
            token = session["csrf"]
        cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
        clients.append((email or "anonymous", client, cookie, token))
    walker = Walker(app, clients, names)
    for rule in rules:
        walker.walk(rule)
    failures = walker.failures
    assert walker.requests > 1000
    summary = f"{len(failures)} of {walker.requests} requests failed:\n"
    assert not failures, summary + "\n".join(failures[:60])


# ---- the parser's own rules ------------------------------------------------------------------

REFUSED_TEXT = [
    "",
    "²",
    "①",
    "٣",
    "１",
    " 3",
    "3 ",
    "+3",
    "-3",
    "1_000",
    "3.0",
    "0x1",
    "1e3",
    "\t1",
]


@pytest.mark.parametrize("raw", REFUSED_TEXT + ["2147483648", "99999999999999999999", "9" * 5000])
def test_the_parser_refuses_anything_but_ascii_digits_in_range(raw):
    with pytest.raises(ValidationFailed) as refused:
        parse_int(raw, "unit")
    assert refused.value.field == "unit"
    assert "unit" in refused.value.detail
    assert try_parse_int(raw) is None


@pytest.mark.parametrize("raw,number", [("0", 0), ("007", 7), ("2147483647", DB_INT_MAX)])
def test_the_parser_reads_ascii_digits(raw, number):
    assert parse_int(raw, "unit") == number


def test_the_parser_keeps_its_bounds():
    assert try_parse_int("0", minimum=1) is None
    assert try_parse_int("10000", maximum=9999) is None
    assert try_parse_int(7) is None


class _Query(Schema):
    unit_id = DbInteger(load_default=None)
    strict_id = DbInteger(strict=True, load_default=None)


@pytest.mark.parametrize(
    "data,field",
    [
        ({"unit_id": "٣"}, "unit_id"),
        ({"unit_id": "²"}, "unit_id"),
        ({"unit_id": "99999999999999999999"}, "unit_id"),
        ({"unit_id": 2**31}, "unit_id"),
        ({"unit_id": True}, "unit_id"),
        ({"unit_id": 1.0}, "unit_id"),
        ({"strict_id": "3"}, "strict_id"),
    ],
)
def test_schema_integers_use_the_parser(data, field):
    with pytest.raises(ValidationFailed) as refused:
        load(_Query(), data)
    assert refused.value.field == field


def test_schema_integers_read_digits_and_json_integers():
    assert load(_Query(), {"unit_id": "12", "strict_id": 12}) == {"unit_id": 12, "strict_id": 12}


@pytest.mark.parametrize(
    "arguments,field",
    [
        ({"municipality_id": 101, "unit_id": 2**31}, "unit_id"),
        ({"year": 10**20}, "year"),
        ({"from_year": -(2**40)}, "from_year"),
        ({"unit_ids": [1, 2**63]}, "unit_ids"),
    ],
)
def test_rpc_ids_out_of_range_are_refused_naming_the_argument(arguments, field):
    with pytest.raises(ValidationFailed) as refused:
        check_id_arguments(arguments)
    assert refused.value.field == field


def test_rpc_arguments_in_range_or_of_other_types_pass():
    check_id_arguments({"municipality_id": None, "unit_id": DB_INT_MAX, "year": 2026})
    check_id_arguments({"data": {"unit_id": 2**40}, "enabled": True, "unit_ids": None})


@pytest.mark.parametrize(
    "text,depth",
    [
        ("{}", 1),
        ('{"a": [[1]]}', 3),
        ('{"a": "[[[[{{{{"}', 1),
        ('["\\"[[", [[]]]', 3),
        ('["\\\\", [[]]]', 3),
        ('["unclosed [[[[', 1),
        ("[" * 100_000, 100_000),
    ],
)
def test_nesting_depth_ignores_brackets_in_strings(text, depth):
    assert nesting_depth(text) == depth


# ---- the examples, one by one ---------------------------------------------------------


def test_huge_ids_in_api_paths_are_404(client, login, api_headers, guarded_rpc):
    login()
    headers = api_headers()
    huge = "99999999999999999999"
    for method, path in (
        ("GET", f"/api/v1/reports/{huge}"),
        ("GET", f"/api/v1/reports/{huge}/file"),
        ("PATCH", f"/api/v1/units/{huge}"),
        ("DELETE", f"/api/v1/units/{huge}"),
        ("DELETE", "/api/v1/units/2147483648"),
        ("GET", "/api/v1/reports/%C2%B2"),
        ("GET", "/api/v1/delegations/%D9%A3"),
    ):
        response = client.open(path, method=method, headers=headers, json={"name": "X"})
        assert response.status_code == 404, (method, path)
        assert response.mimetype == "application/problem+json"
    assert client.get(f"/rapporter/{huge}/fil").status_code == 404


@pytest.mark.parametrize("value", ["99999999999999999999", "²", "٣", "2147483648"])
def test_odd_numbers_in_api_queries_are_422_naming_the_field(client, login, value, guarded_rpc):
    login()
    response = client.get("/api/v1/rounds/2026/answers", query_string={"unit_id": value})
    assert response.status_code == 422
    assert response.get_json()["field"] == "unit_id"


def test_deeply_nested_json_is_a_clear_400(client, login, api_headers, guarded_rpc):
    login()
    headers = api_headers()
    deep = '{"answers": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client.put("/api/v1/rounds/2026/answers", data=deep, headers=headers)
    assert response.status_code == 400
    problem = response.get_json()
    assert problem["title"] == "JSON nested too deeply"
    assert str(MAX_JSON_DEPTH) in problem["detail"]
    assert guarded_rpc.calls_to("save_answers") == []
    just_deep_enough = (
        '{"answers": ' + "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1) + "}"
    )
    response = client.put("/api/v1/rounds/2026/answers", data=just_deep_enough, headers=headers)
    assert response.status_code == 422


@pytest.mark.parametrize(
    "path,parameter",
    [
        ("/runder/2026/besvar?unit=²", "unit"),
        ("/runder/2026/delegeringer/ny?unit=²", "unit"),
        ("/runder/2026/historik?question=governance.policy&unit=²", "unit"),
        ("/runder/2026/sammenligning?enhed=²", "enhed"),
        ("/runder/2026/besvar?unit=99999999999999999999", "unit"),
    ],
)
def test_odd_numbers_in_page_queries_are_a_400_naming_the_parameter(
    client, login, path, parameter, guarded_rpc
):
    login()
    response = client.get(path)
    assert response.status_code == 400
    assert f"»{parameter}« skal være et helt tal" in response.text


def test_kl_year_with_a_superscript_is_a_400(client, login, guarded_rpc):
    login(email="analytiker@kl.dk", municipality="kl")
    response = client.get("/kl?aar=²")
    assert response.status_code == 400
    assert "»aar«" in response.text


@pytest.mark.parametrize("path", ["/login", "/glemt-adgangskode"])
def test_a_superscript_municipality_is_an_ordinary_failed_form(client, csrf, path, guarded_rpc):
    form = {"municipality": "1²", "email": "koordinator@kk.dk", "password": PASSWORD}
    response = client.post(path, data={**form, "csrf_token": csrf(client)})
    assert response.status_code == 200
    assert "session" not in response.headers.get("Location", "")


def test_odd_unit_ids_in_posted_forms_are_refused_with_the_form_kept(
    client, login, csrf, guarded_rpc
):
    login()
    token = csrf(client)
    unit = {"name": "Ny enhed", "kind": "afdeling", "parent_id": "²", "csrf_token": token}
    response = client.post("/enheder", data=unit)
    assert response.status_code == 422
    assert 'value="Ny enhed"' in response.text
    response = client.post("/enheder/1/rediger", data={**unit, "parent_id": "99999999999999999999"})
    assert response.status_code == 422
    assert 'value="Ny enhed"' in response.text
    response = client.post(
        "/rapporter", data={"report": "unit:²", "year": "2026", "csrf_token": token}
    )
    assert response.status_code == 302
    person = {"name": "Ny", "email": "ny@kk.dk", "role": "unit_lead", "unit_id": "²"}
    response = client.post("/brugere", data={**person, "csrf_token": token})
    assert response.status_code == 422
    assert 'value="ny@kk.dk"' in response.text
    assert guarded_rpc.calls_to("create_unit") == guarded_rpc.calls_to("update_unit") == []
    assert guarded_rpc.calls_to("request_report") == []
