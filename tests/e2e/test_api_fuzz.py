"""Fuzzing the JSON API with schemathesis against the real platform.

Every operation of ``/api/v1/openapi.json`` gets generated requests, valid ones and invalid
ones, sent by a logged-in coordinator (session cookie and ``X-CSRF-Token``, as the API
expects). No response may be a server error, and every response must fit the status, content
type and schema the document declares. The number of examples is bounded and the generation
derandomized (a fixed seed), so a run takes the same couple of minutes and finds the same
things every time.
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

from tests.support.http import Browser
from tests.support.platform import add_users, platform_env, run_platform
from tests.support.questionnaires import SMALL_2026

PASSWORD = "et-langt-kodeord-til-test"
AARHUS = 751
YEAR = 2026
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "12"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def platform(amqp_uri, pg_database, tmp_path_factory):
    env = platform_env(amqp_uri, pg_database, tmp_path_factory)
    running = run_platform(env, tmp_path_factory)
    try:
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30) as rpc:
            rpc.survey.import_questionnaire(SMALL_2026)
            rpc.survey.create_round(YEAR)
            rpc.survey.open_round(YEAR)
        add_users(
            env, [(AARHUS, "koordinator@aarhus.dk", "Mette Kjær", "coordinator", None)], PASSWORD
        )
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def coordinator(platform) -> Browser:
    browser = Browser(platform.base_url)
    assert browser.login(AARHUS, "koordinator@aarhus.dk", PASSWORD).status_code in (302, 303)
    unit = browser.api("POST", "/units", json={"name": "IT-drift", "kind": "forvaltning"})
    assert unit.status_code == 201, unit.text
    saved = browser.api(
        "PUT",
        f"/rounds/{YEAR}/answers",
        json={
            "answers": [
                {"question_key": "governance.policy", "unit_id": None, "value": 3},
                {"question_key": "ownership.owners", "unit_id": unit.json()["id"], "value": "all"},
            ]
        },
    )
    assert saved.status_code == 200, saved.text
    return browser


def fuzz(
    operation,  # noqa: ANN001
    document: dict,
    coordinator: Browser,
    mode: GenerationMode,
    statuses: dict[str, list[int]],
) -> list[str]:
    """Run one operation's examples; the failures as text (empty when none)."""
    headers = {"X-CSRF-Token": coordinator.csrf}
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
        response = case.call(
            base_url=coordinator.base_url, session=coordinator.session, headers=headers
        )
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


def test_the_api_survives_fuzzing(coordinator):
    document = coordinator.get("/api/v1/openapi.json").json()
    schema = schemathesis.openapi.from_dict(document)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    statuses: dict[str, list[int]] = defaultdict(list)
    failures = [
        failure
        for operation in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        for failure in fuzz(operation, document, coordinator, mode, statuses)
    ]
    counted = Counter(status for codes in statuses.values() for status in codes)
    print(f"\n{sum(counted.values())} requests by status: {dict(sorted(counted.items()))}")  # noqa: T201
    assert not failures, f"{len(failures)} failing examples:\n" + "\n\n".join(failures[:40])
