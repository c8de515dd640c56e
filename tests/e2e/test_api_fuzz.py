"""Fuzzing the JSON API with schemathesis against the real platform, on PostgreSQL.

Every operation of ``/api/v1/openapi.json`` gets generated requests, sent by a logged-in user
(session cookie and ``X-CSRF-Token``, as the API expects): a coordinator of Aarhus, or for KL's
and the administration's operations KL's analyst and the admin. Three kinds of requests:

* positive: valid by the document; half of them name the caller's own objects (``own``: a
  unit, a delegation per action, a ready report, ...), and operations whose generated requests
  seldom can succeed get one known-good request first (``known_good``);
* negative: invalid by the document;
* hostile: a positive request with one value (a query or URL parameter, or any value inside
  the JSON body) replaced by one a parser meets in the wild (``HOSTILE_VALUES``: Unicode
  digits, integers beyond 64 bits, control characters and NUL, a 100,000-character text).

No response may be a server error, and every response must fit the status, content type and
schema the document declares. Every operation documents 401 and 403, so a run in which every
request was refused (a broken session or CSRF token) would pass those checks: in positive mode
every operation must therefore succeed (2xx) at least once, which also checks each success
schema. A body nested 100,000 deep, which schemathesis cannot encode, is sent raw by a test of
its own. The number of examples is bounded and the generation derandomized (hypothesis seeds
from the test's code), so every run sends the same requests.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from nameko.standalone.rpc import ClusterRpcProxy
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from services.common.localtime import local_today
from tests.delegation.mailbox import token_in
from tests.reporting.conftest import AARHUS, empty_work_queues, seed
from tests.support.http import Browser
from tests.support.platform import add_users, platform_env, run_platform, smtp_env
from tests.support.questionnaires import SMALL_2026
from tests.support.services import ACTOR, wait_for

PASSWORD = "et-langt-kodeord-til-test"
USERS = {
    "coordinator": (AARHUS, "koordinator@aarhus.dk", "Mette Kjær", "coordinator", None),
    "kl_analyst": (None, "analytiker@kl.dk", "Karin Analytiker", "kl_analyst", None),
    "admin": (None, "admin@kl.dk", "Anders Admin", "admin", None),
}
YEAR, LAST_YEAR, NEXT_YEAR = 2026, 2025, 2027
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "12"))
HOSTILE_EXAMPLES = max(1, EXAMPLES // 2)
# Values a parser meets in the wild: digits int() accepts but a database does not ("²" is not,
# "٣" is 3 to Python), integers beyond 64 bits, control characters, a very long text.
HOSTILE_VALUES = st.sampled_from(
    [
        "²",
        "٣",
        "١٢",
        "2026\n",
        "\t7",
        "a\x00b",
        "\x00",
        "\r\n",
        2**64,
        -(2**63) - 1,
        10**40,
        2**31,
        "9" * 40,
        "x" * 100_000,
        ["²"],
        {"a": {"b": {"c": [2**64]}}},
    ]
)
NESTING = 100_000  # [[[...]]]: 200 KB, under the 1 MiB body limit
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def platform(amqp_uri, pg_database, tmp_path_factory, catcher):
    """Eight municipalities answering an open round: the benchmark and KL have figures. Before
    it, a closed round in which Aarhus answered, for KL's annual run and copying forward."""
    env = platform_env(
        amqp_uri,
        pg_database,
        tmp_path_factory,
        **smtp_env(catcher),
        REPORTS_DIR=str(tmp_path_factory.mktemp("reports")),
        BENCHMARK_REFRESH_SECONDS="1",
    )
    databases = {key: url for key, url in env.items() if key.startswith("DATABASE_URL_")}
    assert all(url.startswith("postgresql://") for url in databases.values()), databases
    empty_work_queues(amqp_uri)
    running = run_platform(env, tmp_path_factory)
    try:
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=60) as rpc:
            rpc.survey.import_questionnaire(questionnaire(LAST_YEAR))
            rpc.survey.create_round(LAST_YEAR)
            rpc.survey.open_round(LAST_YEAR)
            last_year = [{"question_key": "governance.notes", "unit_id": None, "value": "Før"}]
            rpc.survey.save_answers(AARHUS, LAST_YEAR, last_year, ACTOR)
            rpc.survey.close_round(LAST_YEAR)
            running.units = seed(rpc, close=False)
        add_users(env, list(USERS.values()), PASSWORD)
        yield running
    finally:
        running.stop()


def questionnaire(year: int) -> str:
    """The small test questionnaire for another year."""
    return SMALL_2026.replace("year: 2026", f"year: {year}").replace('"2026.1"', f'"{year}.1"')


@pytest.fixture(scope="module")
def browsers(platform) -> dict[str, Browser]:
    """A logged-in browser per role that owns part of the API."""
    found = {}
    for role, (municipality, email, *_rest) in USERS.items():
        browser = Browser(platform.base_url)
        response = browser.login(municipality or "kl", email, PASSWORD)
        assert response.status_code in (302, 303), role
        found[role] = browser
    return found


@pytest.fixture(scope="module")
def own(platform, browsers, catcher) -> dict[str, dict]:
    """Real objects of each caller, by URL parameter, so object routes can succeed and their
    success schemas get checked: Aarhus's units and ready report, a delegation for each action
    (two of them submitted by their delegate, so they can be approved or sent back), KL's
    ready report, and units made only to be deleted or delegated."""
    coordinator, analyst = browsers["coordinator"], browsers["kl_analyst"]
    spare = [
        created(coordinator, "/units", {"name": f"Ekstra {n}", "kind": "forvaltning"})
        for n in (1, 2, 3)
    ]
    aarhus_units = [unit["id"] for unit in platform.units[AARHUS]]
    targets = {
        "approve": {"question_keys": ["governance.policy"]},
        "send-back": {"question_keys": ["governance.reporting"]},
        "revoke": {"question_keys": ["governance.notes"]},
        "extend": {"kind": "unit", "unit_id": aarhus_units[0]},
        "redelegate": {"kind": "unit", "unit_id": aarhus_units[1]},
    }
    delegations = {}
    for action, target in targets.items():
        email = f"{action}.delegat@aarhus.dk"
        delegations[action] = created(coordinator, "/delegations", delegation(email, **target))
        if action in ("approve", "send-back"):
            submit(platform.base_url, catcher, email)
    report = created(
        coordinator, "/reports", {"kind": "municipality", "year": YEAR, "format": "json"}
    )
    kl_report = created(analyst, "/kl/reports", {"year": YEAR, "format": "json", "language": "da"})
    for browser, path in (
        (coordinator, f"/reports/{report}"),
        (analyst, f"/kl/reports/{kl_report}"),
    ):
        wait_for(lambda b=browser, p=path: b.api("GET", p).json()["state"] == "ready", timeout=120)
    return {
        "coordinator": {
            "year": YEAR,
            "unit_id": aarhus_units[0],
            "spare_units": spare,
            "delegations": delegations,
            "job_id": report,
        },
        "kl_analyst": {"year": YEAR, "job_id": kl_report},
        "admin": {"year": YEAR},
    }


def delegation(email: str, **target: object) -> dict:
    return {
        "year": YEAR,
        "unit_id": None,
        "kind": "question",
        "question_keys": [],
        "delegate_name": "Ole Delegat",
        "delegate_email": email,
        "due_date": (local_today() + timedelta(days=14)).isoformat(),
        **target,
    }


def submit(base_url: str, catcher, email: str) -> None:  # noqa: ANN001
    """The delegate answers through the mailed link and sends the answers for approval."""
    delegate = Browser(base_url)
    path = f"/delegering/{token_in(catcher.wait_for(email)[0])}"
    values = {"value-governance.policy": "4", "value-governance.reporting": "partly"}
    sent = delegate.post_form(path, {"action": "submit", **values})
    assert sent.status_code in (302, 303), sent.text


def known_good(operation, ids: dict) -> dict | None:  # noqa: ANN001
    """A request that must succeed, for operations whose generated requests seldom can (a body
    the services accept, an object in the right state): so every operation's success is seen."""
    later = (local_today() + timedelta(days=30)).isoformat()
    good = {
        "POST /api/v1/delegations": {
            "body": delegation(
                "ny.delegat@aarhus.dk", kind="unit", unit_id=ids.get("spare_units", [0])[-1]
            )
        },
        "POST /api/v1/delegations/{delegation_id}/approve": {"body": {"comment": None}},
        "POST /api/v1/delegations/{delegation_id}/send-back": {
            "body": {"comment": "Uddyb svaret."}
        },
        "POST /api/v1/delegations/{delegation_id}/revoke": {"body": {"comment": None}},
        "POST /api/v1/delegations/{delegation_id}/extend": {"body": {"due_date": later}},
        "POST /api/v1/reports": {"body": {"kind": "municipality", "year": YEAR, "format": "json"}},
        "PUT /api/v1/rounds/{year}/answers": {
            "body": {
                "answers": [{"question_key": "governance.notes", "unit_id": None, "value": "Ny"}]
            }
        },
        "POST /api/v1/rounds/{year}/copy-forward": {"body": {"from_year": LAST_YEAR}},
        "POST /api/v1/kl/annual-runs": {"body": {"year": LAST_YEAR}},
        "GET /api/v1/kl/annual-runs/{year}": {},
        "POST /api/v1/kl/reports": {"body": {"year": YEAR, "format": "json", "language": "da"}},
        "POST /api/v1/admin/questionnaires": {"body": {"yaml": questionnaire(NEXT_YEAR)}},
        "POST /api/v1/admin/rounds": {"body": {"year": NEXT_YEAR}},
        "POST /api/v1/admin/rounds/{year}/close": {},
        "POST /api/v1/admin/rounds/{year}/open": {"path_parameters": {"year": NEXT_YEAR}},
    }.get(operation.label)
    if good is None:
        return None
    return {"path_parameters": own_parameters(operation, ids), **good}


def created(browser: Browser, path: str, body: dict) -> int:
    response = browser.api("POST", path, json=body)
    assert response.status_code in (201, 202), f"{path}: {response.status_code} {response.text}"
    return response.json()["id"]


def owner(path: str) -> str:
    """KL's operations are fuzzed by KL's analyst, the administration's by the admin."""
    if path.startswith("/api/v1/kl/"):
        return "kl_analyst"
    if path.startswith("/api/v1/admin/"):
        return "admin"
    return "coordinator"


def own_parameters(operation, ids: dict) -> dict:  # noqa: ANN001
    """The caller's real objects for the operation's URL parameters: a spare unit to delete,
    the delegation made for the action, last year's closed round for KL's annual run."""
    names = [p.name for p in operation.path_parameters]
    found = {name: ids[name] for name in names if name in ids}
    if "delegation_id" in names:
        action = operation.path.rsplit("/", 1)[-1]
        found["delegation_id"] = ids["delegations"].get(action, ids["delegations"]["extend"])
    if operation.method.upper() == "DELETE" and "unit_id" in names:
        found["unit_id"] = ids["spare_units"][0]
    if operation.path.startswith("/api/v1/kl/annual-runs/"):
        found["year"] = LAST_YEAR
    return found


def hostile_case(case, value, pick: int):  # noqa: ANN001, ANN201
    """The case with one of its values (a query or URL parameter, or a leaf of the JSON body)
    replaced by a hostile one; unchanged when it has no value to replace."""
    case.query = dict(case.query or {})  # copies: fixed parameters are shared between cases
    case.path_parameters = dict(case.path_parameters or {})
    places: list[tuple[object, object]] = []
    for container in (case.query, case.path_parameters):
        places += [(container, key) for key in container]
    if isinstance(case.body, dict | list):
        places += leaves(case.body)
    if not places:
        return case
    container, key = places[pick % len(places)]
    container[key] = value
    return case


def leaves(body: object) -> list[tuple[object, object]]:
    """(container, key) of every value inside a JSON body, nested ones too."""
    found: list[tuple[object, object]] = []
    items = (
        body.items()
        if isinstance(body, dict)
        else enumerate(body)
        if isinstance(body, list)
        else ()
    )
    for key, value in items:
        found.append((body, key))
        found += leaves(value)
    return found


def fuzz(
    operation,  # noqa: ANN001
    document: dict,
    browser: Browser,
    mode: str,
    ids: dict,
    statuses: dict[tuple[str, str], list[int]],
) -> list[str]:
    """Run one operation's examples in a mode (positive, negative, hostile); the failures as
    text (empty when none). Positive and hostile cases use the caller's own objects in half of
    the examples, generated ids in the other half."""
    headers = {"X-CSRF-Token": browser.csrf}
    failures: list[str] = []
    fixed = own_parameters(operation, ids)
    if mode == "negative":
        strategy = operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
    else:
        strategy = operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
        if fixed:
            strategy = st.one_of(
                operation.as_strategy(
                    generation_mode=GenerationMode.POSITIVE, path_parameters=fixed
                ),
                strategy,
            )
    if mode == "hostile":
        strategy = st.builds(hostile_case, strategy, HOSTILE_VALUES, st.integers(0, 1000))

    good = known_good(operation, ids) if mode == "positive" else None
    explicit = [example(case=operation.Case(**good))] if good is not None else []

    @settings(
        max_examples=HOSTILE_EXAMPLES if mode == "hostile" else EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    @apply(explicit)
    def run(case) -> None:  # noqa: ANN001
        response = case.call(base_url=browser.base_url, session=browser.session, headers=headers)
        statuses[(mode, operation.label)].append(response.status_code)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, FailureGroup) as error:
            failures.append(f"{operation.label} [{mode}]: {error}")

    try:
        run()
    except Unsatisfiable:
        # Only an operation without any input has no invalid request to make.
        assert mode == "negative", operation.label
        declared = document["paths"][operation.path][operation.method.lower()]
        if declared.get("parameters") or declared.get("requestBody"):
            return [f"{operation.label}: no invalid request could be generated"]
    return failures


def apply(decorators: list) -> object:
    """Apply the given decorators (none, or one explicit example) to a function."""

    def decorate(function):  # noqa: ANN001, ANN202
        for decorator in decorators:
            function = decorator(function)
        return function

    return decorate


def nested_json(operation, document: dict, browser: Browser, ids: dict) -> list[str]:  # noqa: ANN001
    """A body nested deeper than a parser should follow: the problems (none when refused with
    a documented status)."""
    declared = document["paths"][operation.path][operation.method.lower()]
    if "requestBody" not in declared:
        return []
    path = operation.path.removeprefix("/api/v1")
    for name, value in {
        **{p.name: 1 for p in operation.path_parameters},
        **own_parameters(operation, ids),
    }.items():
        path = path.replace("{" + name + "}", str(value))
    raw = "[" * NESTING + "]" * NESTING
    response = browser.api(
        operation.method.upper(), path, data=raw, headers={"Content-Type": "application/json"}
    )
    if response.status_code >= 500 or str(response.status_code) not in declared["responses"]:
        return [
            f"{operation.label} [JSON nested {NESTING} deep]: "
            f"{response.status_code} {response.text[:200]}"
        ]
    return []


def test_the_api_survives_fuzzing(browsers, own):
    document = browsers["coordinator"].get("/api/v1/openapi.json").json()
    schema = schemathesis.openapi.from_dict(document)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    # The admin's operations last: they may close the round the others answer in.
    operations.sort(key=lambda operation: owner(operation.path) == "admin")
    statuses: dict[tuple[str, str], list[int]] = defaultdict(list)
    failures = []
    for operation in operations:
        role = owner(operation.path)
        for mode in ("positive", "negative", "hostile"):
            failures += fuzz(operation, document, browsers[role], mode, own[role], statuses)
    counted = Counter(status for codes in statuses.values() for status in codes)
    print(f"\n{sum(counted.values())} requests by status: {dict(sorted(counted.items()))}")  # noqa: T201
    # Every operation documents 401 and 403: a run whose session or CSRF token broke would
    # pass every other check while testing nothing but the refusal.
    never_succeeded = [
        f"{operation.label}: {sorted(Counter(statuses[('positive', operation.label)]).items())}"
        for operation in operations
        if not any(200 <= code < 300 for code in statuses[("positive", operation.label)])
    ]
    report = [f"{len(failures)} failing examples:", *failures[:40]] if failures else []
    if never_succeeded:
        heading = "operations without a single 2xx in positive mode (status, count):"
        report.append("\n".join([heading, *never_succeeded]))
    assert not report, "\n\n".join(report)


def test_deeply_nested_json_is_refused_not_a_server_error(browsers, own):
    """Every operation that takes a body refuses ``[[[...]]]`` 100,000 deep with a documented
    status; schemathesis cannot send it (its JSON encoder recurses too)."""
    document = browsers["coordinator"].get("/api/v1/openapi.json").json()
    schema = schemathesis.openapi.from_dict(document)
    problems = []
    for result in schema.get_all_operations():
        operation = result.ok()
        role = owner(operation.path)
        problems += nested_json(operation, document, browsers[role], own[role])
    assert not problems, "\n".join(problems)
