"""Tenant isolation proven by enumeration: every route of the gateway, every role, B's objects.

The whole platform runs as processes. Two municipalities answer the same round: A (Aarhus) and
B (Vejle). Everything B owns carries the marker ``xyzzyb`` (unit names, the responsible person,
answer comments and a text answer, delegate names, addresses and messages, B's coordinator's
name, which lands in B's report), so "no data of B in the body" is a byte search for it.

The routes come from the gateway's own route table (``app.url_map``), not from a list kept by
hand: a new route is probed the day it is added. Each URL parameter is filled from
``FILLERS`` with one of B's objects (B's unit, B's delegation, B's ready report, a revoked link
of B); a parameter without a filler fails the test and says to add one.

Every method of every route is sent by each role of A (coordinator, unit lead, respondent), by
KL's analyst, by the platform admin (except the national administration routes, which are the
admin's own and hold no municipal data) and by nobody. Changes carry a valid CSRF token and a
plausible body naming B's objects. Expectations:

* a route with an object parameter: 401, 403 or 404 for everybody, B's marker nowhere;
* a route without one (a list, a year's page): any status below 500, B's marker nowhere; GET
  routes are sent a second time with B's ids in the query string (``unit``, ``unit_id``, ...);
* KL's and the admin's routes: 403 for A's roles, the admin's also for KL (``/kl`` sends a
  municipal user to the own dashboard instead, a 302 to ``/`` that renders nothing of KL's);
* nobody: the API answers 401; a page answers 302 to ``/login``, the page equivalent of 401
  (the browser is sent to log in, nothing of the page is rendered); only ``PUBLIC`` endpoints
  answer, and without B's marker;
* a logged-in role is never answered as nobody (a 401, or a redirect to the login page from a
  route that is not part of logging in), and after every change and every ``PUBLIC`` route
  ``/api/v1/me`` must still name the role's user: a sweep that lost its session would go on
  probing as nobody and pass; the API never answers with a redirect;
* B's numbers (number answers nobody else has, ``B_NUMBERS``) appear nowhere, in any of the
  forms a page, a file or JSON could write them; a text marker cannot reveal a leaked number;
* afterwards B's units, answers, delegations, reports and digest are exactly as before (each
  read of them must answer 200: two equal error pages would compare equal), and so is every
  account of B, all columns, with its invitation and reset links.

A delegate link of A opens A's delegated question only and cannot save A's undelegated
question, a unit of B or anything of B. Positive controls show the marker and number searches
find B's data where B itself looks, so the test can fail.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import create_engine, text

from gateway.frontend import package_version
from services.common.localtime import local_today
from tests.delegation.mailbox import MailCatcher, token_in
from tests.reporting.conftest import empty_work_queues
from tests.support.http import Browser
from tests.support.platform import add_users, platform_env, run_platform, smtp_env
from tests.support.questionnaires import SMALL_2026
from tests.support.services import wait_for

PASSWORD = "et-langt-kodeord-til-test"
A, B = 751, 630
YEAR = 2026
B_MARK = b"xyzzyb"
# B's number answers, which nobody else has; a text marker cannot reveal a leaked number.
B_NUMBERS = (7391, 2864.5)
# Each as a page or a file could show it: 7391, 7.391, 7,391, 7 391 (a no-break space) and
# 2864.5, 2864,5, 2.864,5, 2,864.5, 2 864,5; also in a compact JSON list ([1,7391,2]), never
# inside a longer number (17391, 0.7391, 7391.25) or a token (a CSRF token's ...a7391b...).
B_NUMBER_PATTERN = re.compile(
    rb"(?<!\w)(?<!\d\.)(?:7(?:[.,\x20]|\xc2\xa0)?391|2(?:[.,\x20]|\xc2\xa0)?864[.,]5)(?!\w|\.\d)"
)
A_UNDELEGATED_MARK = b"xyzzya"
# Endpoints anybody may call without logging in; anything else must answer 401 / go to login.
PUBLIC = frozenset(
    {
        "auth.login",
        "auth.logout",
        "static",
        "dkfds.asset",
        "auth.code",
        "account_links.forgot",
        "account_links.invitation",
        "account_links.reset",
        "oidc.start",
        "oidc.callback",
        "health.healthz",
        "metrics.metrics",
        "language.switch",
        "delegate.page",
        "api.openapi",
    }
)
# Endpoints that end a logged-in session on purpose; after any other request the sweep's session
# must still be alive (also after the two-factor code step, which leaves a session alone when no
# login is pending).
SESSION_ENDERS = frozenset({"auth.logout"})
# URL parameters that name a tenant's object: such routes must refuse B's object outright.
OBJECT_PARAMETERS = frozenset({"unit_id", "delegation_id", "job_id", "token", "user_id"})
ROLES = ("coordinator", "unit_lead", "respondent", "kl_analyst", "admin", "anonymous")
MUNICIPAL_ROLES = ("coordinator", "unit_lead", "respondent")
KL_PREFIXES = ("/kl", "/api/v1/kl")
ADMIN_PREFIXES = ("/admin", "/api/v1/admin")


def due(days: int = 10) -> str:
    return (local_today() + timedelta(days=days)).isoformat()


def fillers(world: dict) -> dict[str, object]:
    """A value of B (or a neutral one) for every URL parameter the gateway's routes use."""
    return {
        "year": YEAR,
        "unit_id": world["b_unit"],
        "delegation_id": world["b_delegation"],
        "job_id": world["b_report"],
        "token": world["b_revoked_token"],
        "user_id": world["b_colleague"],
        "action": "tilbagekald",  # revoke: the most harmful of the delegation actions
        "code": "da",
        "int:code": B,  # /login/oidc/<int:code>: B's kommunekode
        "filename": "style.css",
        "version": package_version(),  # /static/dkfds/<version>/...: the design system's files
    }


def json_bodies(world: dict) -> dict[str, dict]:
    """Plausible API bodies by endpoint, aimed at B's objects; others get GENERIC_JSON."""
    unit = world["b_unit"]
    return {
        "api.create_unit": {"name": "Probe", "kind": "afdeling", "parent_id": unit},
        "api.update_unit": {"name": "Overtaget", "kind": "forvaltning"},
        "api.save_answers": {
            "answers": [
                {"question_key": "ownership.owners", "unit_id": unit, "value": "all"},
                {"question_key": "governance.policy", "unit_id": unit, "value": 1},
            ]
        },
        "api.copy_forward": {"from_year": YEAR - 1},
        "api.create_delegation": {
            "year": YEAR,
            "unit_id": unit,
            "kind": "unit",
            "question_keys": [],
            "delegate_name": "Probe",
            "delegate_email": "probe@example.org",
            "due_date": due(),
        },
        "api.approve_delegation": {"comment": "probe"},
        "api.revoke_delegation": {"comment": "probe"},
        "api.send_back_delegation": {"comment": "probe"},
        "api.extend_delegation": {"due_date": due(20)},
        "api.redelegate": {
            "delegate_name": "Probe",
            "delegate_email": "probe@example.org",
            "due_date": due(),
        },
        "api.set_digest": {"enabled": False},
        "api.order_report": {
            "kind": "unit",
            "year": YEAR,
            "unit_id": unit,
            "format": "json",
            "language": "da",
        },
        "api.kl_order_report": {"year": YEAR, "format": "json", "language": "da"},
        "api.kl_start_run": {"year": YEAR},
        "api.create_round": {"year": YEAR + 1},
        "api.import_questionnaire": {"yaml": "key: x"},
    }


def generic_json(world: dict) -> dict:
    return {"year": YEAR, "unit_id": world["b_unit"], "municipality_id": B}


def form_body(world: dict) -> dict:
    """One form for every page: each page reads the fields it knows, all pointing at B."""
    unit = world["b_unit"]
    return {
        "municipality": str(B),
        "email": "nobody@probe.invalid",
        "password": "not-the-password",
        "municipality_id": str(B),
        "unit_id": str(unit),
        "parent_id": str(unit),
        "name": "Probe",
        "kind": "forvaltning",
        "year": str(YEAR),
        "report": f"unit:{unit}",
        "format": "json",
        "language": "da",
        "comment": "probe",
        "due_date": due(20),
        "delegate_name": "Probe",
        "delegate_email": "probe@example.org",
        "question_keys": ["ownership.owners"],
        "value-ownership.owners": "all",
        f"value-ownership.owners-{unit}": "all",
        "value-governance.policy": "1",
        "enabled": "1",
        "action": "save",
    }


def page_query(world: dict) -> dict:
    unit = world["b_unit"]
    return {
        "unit": unit,
        "enhed": unit,
        "unit_id": unit,
        "question": "ownership.owners",
        "municipality_id": B,
        "aar": YEAR,
    }


API_QUERY_FILLERS = {"year": YEAR, "all_units": "true", "question_key": "ownership.owners"}


def route_table() -> list[tuple[str, str, str, dict[str, str]]]:
    """(rule, method, endpoint, {parameter: converter}) for every route the gateway registers."""
    from gateway import create_app

    app = create_app({"SECRET_KEY": "routes", "DATABASE_URL": "sqlite://"}, rpc=object())
    routes = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            converters = {name: type(c).__name__ for name, c in rule._converters.items()}
            routes.append((rule.rule, method, rule.endpoint, converters))
    return sorted(routes)


def build_path(rule: str, values: dict[str, object]) -> str:
    missing = [name for name in rule_parameters(rule) if name not in values]
    if missing:
        pytest.fail(
            f"route {rule} has URL parameter(s) {missing} without a filler: add a value of "
            "municipality B for it to fillers() in tests/e2e/test_isolation_enumeration.py "
            "(and to OBJECT_PARAMETERS if it names a tenant's object)"
        )
    path = rule
    for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", rule):
        value = values.get(f"{converter}:{name}", values[name])
        path = _replace_parameter(path, name, str(value))
    return path


def rule_parameters(rule: str) -> list[str]:
    return [match.group(2) for match in re.finditer(r"<(?:(\w+):)?(\w+)>", rule)]


def _replace_parameter(path: str, name: str, value: str) -> str:
    return re.sub(rf"<(?:\w+:)?{name}>", value, path, count=1)


def logged_in(base_url: str, municipality: int | str, email: str) -> Browser:
    browser = Browser(base_url)
    assert browser.login(municipality, email, PASSWORD).status_code in (302, 303), email
    return browser


@pytest.fixture(scope="module")
def world(amqp_uri, pg_database, tmp_path_factory, catcher):
    """The platform with A and B seeded through their own coordinators, as users would."""
    env = platform_env(
        amqp_uri,
        pg_database,
        tmp_path_factory,
        **smtp_env(catcher),
        REPORTS_DIR=str(tmp_path_factory.mktemp("reports")),
        REPORTING_SWEEP_SECONDS="1",
        BENCHMARK_REFRESH_SECONDS="1",
    )
    empty_work_queues(amqp_uri)
    running = run_platform(env, tmp_path_factory)
    try:
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30) as rpc:
            rpc.survey.import_questionnaire(SMALL_2026)
            rpc.survey.create_round(YEAR)
            rpc.survey.open_round(YEAR)
            a_unit = rpc.survey.create_unit(
                A, {"name": "IT-drift", "kind": "forvaltning"}, {"name": "seed", "role": "admin"}
            )
        users = {
            "coordinator": (A, "koordinator@aarhus.dk", "Mette Kjær", "coordinator", None),
            "unit_lead": (A, "leder@aarhus.dk", "Lone Leder", "unit_lead", a_unit["id"]),
            "respondent": (A, "besvarer@aarhus.dk", "Bo Besvarer", "respondent", None),
            "kl_analyst": (None, "analytiker@kl.dk", "Karin Analytiker", "kl_analyst", None),
            "admin": (None, "admin@kl.dk", "Anders Admin", "admin", None),
            "b": (B, "koordinator@vejle.dk", "Xyzzyb Koordinator", "coordinator", None),
            "b_colleague": (B, "xyzzyb.kollega@vejle.dk", "Xyzzyb Kollega", "respondent", None),
        }
        add_users(env, list(users.values()), PASSWORD)
        world = {"platform": running, "users": users, "a_unit": a_unit["id"]}
        world["gateway_db"] = create_engine(env["DATABASE_URL_GATEWAY"])
        colleague = users["b_colleague"][1]
        people = b_accounts(world)["users"]
        world["b_colleague"] = next(row["id"] for row in people if row["email"] == colleague)
        world["b"] = b = logged_in(running.base_url, B, "koordinator@vejle.dk")
        world["b_unit"] = seed_b(b)
        world["b_delegation"], _ = delegate(
            b, catcher, "xyzzyb.enhed@vejle.dk", kind="unit", unit_id=world["b_unit"]
        )
        revoked_id, world["b_revoked_token"] = delegate(
            b, catcher, "xyzzyb.link@vejle.dk", question_keys=["governance.reporting"]
        )
        revoked = b.api("POST", f"/delegations/{revoked_id}/revoke", json={"comment": None})
        assert revoked.status_code == 200, revoked.text
        world["b_report"] = order_ready_report(b)

        a = logged_in(running.base_url, A, "koordinator@aarhus.dk")
        saved = a.api(
            "PUT",
            f"/rounds/{YEAR}/answers",
            json={
                "answers": [
                    {
                        "question_key": "governance.reporting",
                        "unit_id": None,
                        "value": "no",
                        "comment": "xyzzya: not delegated",
                    }
                ]
            },
        )
        assert saved.status_code == 200, saved.text
        world["a"] = a
        _, world["a_token"] = delegate(
            a, catcher, "ole.delegat@aarhus.dk", question_keys=["governance.policy"]
        )
        yield world
        world["gateway_db"].dispose()
    finally:
        running.stop()


def seed_b(b: Browser) -> int:
    """B's units and answers, every name and comment carrying the marker."""
    units = [
        b.api(
            "POST",
            "/units",
            json={
                "name": f"Xyzzyb {name}",
                "kind": "forvaltning",
                "responsible_name": "Xyzzyb Ansvarlig",
                "responsible_email": "xyzzyb.ansvarlig@vejle.dk",
            },
        )
        for name in ("Økonomi", "Social")
    ]
    assert all(u.status_code == 201 for u in units), [u.text for u in units]
    first, second = (u.json()["id"] for u in units)
    answers = [
        *(
            {"question_key": "ownership.training", "unit_id": unit, "value": value}
            for unit, value in zip((first, second), B_NUMBERS, strict=True)
        ),
        {"question_key": "governance.policy", "unit_id": None, "value": 2, "comment": "xyzzyb 1"},
        {"question_key": "governance.notes", "unit_id": None, "value": "xyzzyb hemmelig note"},
        {
            "question_key": "ownership.owners",
            "unit_id": first,
            "value": "some",
            "comment": "xyzzyb",
        },
    ]
    saved = b.api("PUT", f"/rounds/{YEAR}/answers", json={"answers": answers})
    assert saved.status_code == 200, saved.text
    return first


def delegate(coordinator: Browser, catcher: MailCatcher, email: str, **target: object) -> tuple:
    """One delegation of the coordinator's municipality: (id, the link token from the mail)."""
    response = coordinator.api(
        "POST",
        "/delegations",
        json={
            "year": YEAR,
            "unit_id": None,
            "kind": "question",
            "question_keys": [],
            "delegate_name": f"{email.split('.')[0].title()} Delegat",
            "delegate_email": email,
            "message": f"{email.split('.')[0]} besked",
            "due_date": due(),
            **target,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()["id"], token_in(catcher.wait_for(email)[0])


def order_ready_report(b: Browser) -> int:
    ordered = b.api(
        "POST", "/reports", json={"kind": "municipality", "year": YEAR, "format": "json"}
    )
    assert ordered.status_code in (200, 201, 202), ordered.text
    job_id = ordered.json()["id"]

    def ready():
        job = b.api("GET", f"/reports/{job_id}").json()
        assert job["state"] != "failed", job
        return job["state"] == "ready"

    wait_for(ready, timeout=120, interval=0.5)
    return job_id


def fetched(b: Browser, path: str) -> object:
    """One of B's API reads, which must succeed: two equal error pages prove nothing."""
    response = b.api("GET", path)
    assert response.status_code == 200, f"B's own {path} -> {response.status_code}: {response.text}"
    return response.json()


def snapshot(b: Browser) -> dict:
    """What B owns, as B's coordinator sees it through the API."""
    answers = fetched(b, f"/rounds/{YEAR}/answers?all_units=true")
    delegations = fetched(b, f"/delegations?year={YEAR}")
    keep = ("id", "state", "due_date", "delegate_name", "delegate_email", "question_keys")
    return {
        "units": fetched(b, "/units"),
        "answers": sorted(
            (
                (
                    a["question_key"],
                    a["unit_id"] or 0,
                    repr(a["value"]),
                    a["comment"],
                    a["revision"],
                )
                for a in answers
            ),
        ),
        "delegations": sorted([{k: d[k] for k in keep} for d in delegations], key=repr),
        "reports": sorted(
            (r["id"], r["kind"], r["unit_id"], r["state"]) for r in fetched(b, "/reports")
        ),
        "digest": fetched(b, "/delegations/digest"),
    }


def b_accounts(world: dict) -> dict[str, list[dict]]:
    """Every account of B as the gateway stores it, every column, with its invitation and reset
    links: nobody of A may change, disable, invite or log out any of B's people."""
    with world["gateway_db"].connect() as conn:
        users = conn.execute(
            text("SELECT * FROM users WHERE municipality_id = :b ORDER BY id"), {"b": B}
        )
        tokens = conn.execute(
            text(
                "SELECT t.* FROM account_tokens t JOIN users u ON u.id = t.user_id "
                "WHERE u.municipality_id = :b ORDER BY t.id"
            ),
            {"b": B},
        )
        return {
            "users": [dict(row._mapping) for row in users],
            "tokens": [dict(row._mapping) for row in tokens],
        }


class Caller:
    """One role's browser; logs in again after the sweep posts to /logout, and checks that no
    other request ended its session."""

    def __init__(self, world: dict, role: str) -> None:
        self.base_url = world["platform"].base_url
        self.role = role
        self.user = world["users"].get(role)
        self.login()

    def login(self) -> None:
        if self.user is None:
            self.browser = Browser(self.base_url)
            self.browser.csrf = self.browser.form_token("/login")
            return
        municipality = self.user[0] if self.user[0] is not None else "kl"
        self.browser = logged_in(self.base_url, municipality, self.user[1])

    def send(self, method: str, path: str, *, json_body=None, form=None):  # noqa: ANN001, ANN201
        session = self.browser.session
        url = self.browser.url(path)
        if path.startswith("/api/"):
            headers = {"X-CSRF-Token": self.browser.csrf or ""}
            return session.request(
                method, url, json=json_body, headers=headers, timeout=30, allow_redirects=False
            )
        data = {**form, "csrf_token": self.browser.csrf} if form is not None else None
        return session.request(method, url, data=data, timeout=30, allow_redirects=False)

    def alive(self, after: str) -> list[str]:
        """The role is still logged in as itself; if not, the problem, and a fresh login so the
        rest of the sweep still probes as the role rather than as nobody."""
        if self.user is None:
            return []
        me = self.browser.session.get(
            self.browser.url("/api/v1/me"), timeout=30, allow_redirects=False
        )
        if me.status_code == 200 and me.json()["email"] == self.user[1]:
            return []
        self.login()
        return [f"{self.role}: the session ended after {after} (/api/v1/me -> {me.status_code})"]


def expectation(role: str, rule: str, endpoint: str, parameters: dict) -> str:
    """'refused', 'login', 'forbidden' or 'open' (any status below 500, no marker of B)."""
    api = rule.startswith("/api/")
    if role == "anonymous" and endpoint not in PUBLIC:
        return "refused" if api else "login"
    if role in MUNICIPAL_ROLES and rule.startswith(KL_PREFIXES + ADMIN_PREFIXES):
        return "forbidden"
    if role == "kl_analyst" and rule.startswith(ADMIN_PREFIXES):
        return "forbidden"
    if OBJECT_PARAMETERS & parameters.keys():
        return "refused"
    return "open"


def check(  # noqa: ANN001 - response: a requests.Response
    response, expected: str, role: str, endpoint: str, method: str, path: str
) -> list[str]:
    """The problems with one response; an empty list when it is as expected.

    A logged-in role is never answered as if it were not: a 401 or a redirect to the login page
    from a route that is not itself part of logging in means the sweep lost its session and
    would go on probing as nobody. The API never redirects.
    """
    problems = []
    where = f"{role} {method} {path} -> {response.status_code}"
    seen = response.content + response.headers.get("Location", "").encode()
    if B_MARK in seen.lower():
        problems.append(f"{where}: the body or redirect carries municipality B's data")
    if B_NUMBER_PATTERN.search(seen):
        problems.append(f"{where}: the body or redirect carries one of B's numbers {B_NUMBERS}")
    status = response.status_code
    api = path.startswith("/api/")
    location = response.headers.get("Location", "")
    to_login = 300 <= status < 400 and location.startswith("/login")
    if role != "anonymous" and endpoint not in PUBLIC and (status == 401 or to_login):
        problems.append(f"{where}: answered as if not logged in (the session was lost)")
    if api and 300 <= status < 400:
        problems.append(f"{where}: the API redirects (to {location!r}) instead of answering")
    # 429 is a refusal too: the link pages stop a client that keeps presenting unknown links.
    if expected == "refused" and status not in (401, 403, 404, 429):
        problems.append(f"{where}: expected 401, 403, 404 (or 429)")
    sent_home = not api and status == 302 and location == "/"
    if expected == "forbidden" and status != 403 and not sent_home:
        problems.append(f"{where}: expected 403" + ("" if api else " (or a redirect to /)"))
    if expected == "login" and not (status == 302 and location.startswith("/login")):
        problems.append(f"{where}: expected a redirect to /login")
    if status >= 500:
        problems.append(f"{where}: server error")
    return problems


def api_query(world: dict, openapi: dict, rule: str, method: str) -> dict:
    """B's ids in the query parameters the operation declares."""
    path = rule
    for name in rule_parameters(rule):
        path = _replace_parameter(path, name, "{" + name + "}")
    declared = openapi["paths"].get(path, {}).get(method.lower(), {}).get("parameters", [])
    values = {**API_QUERY_FILLERS, "unit_id": world["b_unit"]}
    return {
        p["name"]: values[p["name"]] for p in declared if p["in"] == "query" and p["name"] in values
    }


def sweep(world: dict, role: str) -> tuple[list[str], int]:
    """Every route and method as ``role``; returns the problems found and the requests sent."""
    caller = Caller(world, role)
    values = fillers(world)
    bodies = json_bodies(world)
    openapi = world["b"].get("/api/v1/openapi.json").json()
    problems: list[str] = []
    sent = 0
    for rule, method, endpoint, parameters in route_table():
        if role == "admin" and rule.startswith(ADMIN_PREFIXES):
            continue  # the admin's own national administration: no municipal data there
        path = build_path(rule, values)
        expected = expectation(role, rule, endpoint, parameters)
        queries = [{}]
        if method == "GET":
            queries.append(
                api_query(world, openapi, rule, method)
                if rule.startswith("/api/")
                else page_query(world)
            )
        for query in queries:
            target = f"{path}?{urlencode(query)}" if query else path
            if method == "GET":
                response = caller.send(method, target)
            elif rule.startswith("/api/"):
                body = bodies.get(endpoint, generic_json(world))
                response = caller.send(method, target, json_body=body)
            else:
                response = caller.send(method, target, form=form_body(world))
            sent += 1
            problems += check(response, expected, role, endpoint, method, target)
            if endpoint in SESSION_ENDERS:
                caller.login()
            if method != "GET" or endpoint in PUBLIC:  # a change, or a login/link/SSO route
                problems += caller.alive(f"{method} {target}")
    return problems, sent


def test_every_route_has_a_filler_for_its_parameters():
    """Fails, naming the route, when a new route takes a parameter nobody fills yet."""
    world = {
        "b_unit": 1,
        "b_delegation": 1,
        "b_report": 1,
        "b_revoked_token": "t" * 43,
        "b_colleague": 1,
    }
    routes = route_table()
    assert len(routes) > 80
    for rule, _method, _endpoint, _parameters in routes:
        build_path(rule, fillers(world))


def test_markers_are_found_where_b_itself_looks(world):
    """The positive control: B sees its marker on its own pages, API and report file, and its
    numbers in its answers (the report shows scores, not the numbers), so the searches can
    find them."""
    b = world["b"]
    for path in (
        "/enheder",
        f"/runder/{YEAR}/delegeringer",
        f"/api/v1/rounds/{YEAR}/answers?all_units=true",
        f"/api/v1/delegations/{world['b_delegation']}",
        f"/api/v1/reports/{world['b_report']}/file",
    ):
        response = b.get(path)
        assert response.status_code == 200, path
        assert B_MARK in response.content.lower(), path
    for path in (
        f"/api/v1/rounds/{YEAR}/answers?all_units=true",
        f"/runder/{YEAR}/besvar?unit={world['b_unit']}&area=ownership",
    ):
        response = b.get(path)
        assert response.status_code == 200, path
        assert B_NUMBER_PATTERN.search(response.content), path


def test_a_delegate_link_reaches_only_its_own_questions(world):
    """A's link: A's delegated question only, never A's other answers, a unit or B."""
    a, b = world["a"], world["b"]
    before_b = snapshot(b)
    before_a = a.api("GET", f"/rounds/{YEAR}/answers?all_units=true").json()
    delegate = Browser(world["platform"].base_url)
    path = f"/delegering/{world['a_token']}"
    page = delegate.get(path)
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert B_MARK not in page.content.lower()
    assert A_UNDELEGATED_MARK not in page.content.lower()
    assert 'name="value-governance.reporting"' not in page.text
    crafted = delegate.post_form(
        path,
        {
            "action": "save",
            "value-governance.policy": "4",
            "value-governance.reporting": "yes",
            "comment-governance.reporting": "overtaget",
            "value-governance.notes": "overtaget",
            "value-ownership.owners": "all",
            f"value-ownership.owners-{world['b_unit']}": "all",
            "unit_id": str(world["b_unit"]),
            "municipality_id": str(B),
        },
    )
    assert crafted.status_code in (302, 303, 403, 404, 422), crafted.text
    assert B_MARK not in crafted.content.lower()
    after_a = {
        (x["question_key"], x["unit_id"]): x
        for x in a.api("GET", f"/rounds/{YEAR}/answers?all_units=true").json()
    }
    assert after_a[("governance.policy", None)]["value"] == 4  # the delegated question saved
    unchanged = {(x["question_key"], x["unit_id"]): x for x in before_a}
    assert after_a[("governance.reporting", None)] == unchanged[("governance.reporting", None)]
    assert ("governance.notes", None) not in after_a
    assert not [key for key in after_a if key[1] is not None]
    assert snapshot(b) == before_b
    # With the link's cookies, the rest of the platform is still closed to the delegate.
    for other in ("/enheder", f"/runder/{YEAR}/besvar", "/rapporter"):
        assert delegate.get(other, allow_redirects=False).status_code == 302
    assert delegate.get("/api/v1/units").status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_every_route_refuses_b_for_every_role(world, role):
    before, people = snapshot(world["b"]), b_accounts(world)
    problems, sent = sweep(world, role)
    assert not problems, f"{len(problems)} of {sent} requests went wrong:\n" + "\n".join(problems)
    assert sent > 100
    assert snapshot(world["b"]) == before, "a request of another role changed municipality B"
    assert b_accounts(world) == people, "a request of another role changed B's accounts"
