"""Fuzzing the JSON API with schemathesis against the real platform.

Every operation of ``/api/v1/openapi.json`` gets generated requests, valid ones and invalid
ones, sent by a logged-in user (session cookie and ``X-CSRF-Token``, as the API expects): a
coordinator of Aarhus, or for KL's and the administration's operations KL's analyst and the
admin, so their successful answers are checked too. No response may be a server error, and
every response must fit the status, content type and schema the document declares. The number
of examples is bounded and the generation derandomized (hypothesis seeds from the test's code),
so a run takes the same couple of minutes and sends the same requests every time.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
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

from tests.reporting.conftest import AARHUS, empty_work_queues, seed
from tests.support.http import Browser
from tests.support.platform import add_users, platform_env, run_platform

PASSWORD = "et-langt-kodeord-til-test"
USERS = {
    "coordinator": (AARHUS, "koordinator@aarhus.dk", "Mette Kjær", "coordinator", None),
    "kl_analyst": (None, "analytiker@kl.dk", "Karin Analytiker", "kl_analyst", None),
    "admin": (None, "admin@kl.dk", "Anders Admin", "admin", None),
}
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "12"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def platform(amqp_uri, pg_database, tmp_path_factory):
    """Eight municipalities answering an open round: the benchmark and KL have figures."""
    env = platform_env(
        amqp_uri,
        pg_database,
        tmp_path_factory,
        REPORTS_DIR=str(tmp_path_factory.mktemp("reports")),
        BENCHMARK_REFRESH_SECONDS="1",
    )
    empty_work_queues(amqp_uri)
    running = run_platform(env, tmp_path_factory)
    try:
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=60) as rpc:
            seed(rpc, close=False)
        add_users(env, list(USERS.values()), PASSWORD)
        yield running
    finally:
        running.stop()


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


def owner(path: str) -> str:
    """KL's operations are fuzzed by KL's analyst, the administration's by the admin."""
    if path.startswith("/api/v1/kl/"):
        return "kl_analyst"
    if path.startswith("/api/v1/admin/"):
        return "admin"
    return "coordinator"


def fuzz(
    operation,  # noqa: ANN001
    document: dict,
    browser: Browser,
    mode: GenerationMode,
    statuses: dict[str, list[int]],
) -> list[str]:
    """Run one operation's examples; the failures as text (empty when none)."""
    headers = {"X-CSRF-Token": browser.csrf}
    failures: list[str] = []

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case) -> None:  # noqa: ANN001
        response = case.call(base_url=browser.base_url, session=browser.session, headers=headers)
        statuses[f"{operation.method.upper()} {operation.path}"].append(response.status_code)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, FailureGroup) as error:
            failures.append(f"{operation.label} [{mode.value}]: {error}")

    try:
        run()
    except Unsatisfiable:
        # Only an operation without any input has no invalid request to make.
        assert mode == GenerationMode.NEGATIVE, operation.label
        declared = document["paths"][operation.path][operation.method.lower()]
        if declared.get("parameters") or declared.get("requestBody"):
            return [f"{operation.label}: no invalid request could be generated"]
    return failures


def test_the_api_survives_fuzzing(browsers):
    document = browsers["coordinator"].get("/api/v1/openapi.json").json()
    schema = schemathesis.openapi.from_dict(document)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    # The admin's operations last: they may close the round the others answer in.
    operations.sort(key=lambda operation: owner(operation.path) == "admin")
    statuses: dict[str, list[int]] = defaultdict(list)
    failures = [
        failure
        for operation in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        for failure in fuzz(operation, document, browsers[owner(operation.path)], mode, statuses)
    ]
    counted = Counter(status for codes in statuses.values() for status in codes)
    print(f"\n{sum(counted.values())} requests by status: {dict(sorted(counted.items()))}")  # noqa: T201
    assert not failures, f"{len(failures)} failing examples:\n" + "\n\n".join(failures[:40])
