"""Benchmark tests: fast service timers, and the gateway fixtures with a benchmark fake.

The gateway fixtures (app, client, login, ...) are the gateway tests' own; only ``fake_rpc``
is replaced by one whose benchmark and scoring know history and figures.
"""

import os

os.environ.setdefault("BENCHMARK_REFRESH_SECONDS", "1")
os.environ.setdefault("BENCHMARK_RECONCILE_SECONDS", "2")

import pytest  # noqa: E402

from tests.benchmark.fakes import FakeBenchmark, HistoryScoring  # noqa: E402
from tests.gateway.conftest import (  # noqa: E402, F401
    FakeRpc,
    api_headers,
    app,
    app_config,
    client,
    csrf,
    fast_password_hashing,
    login,
    make_questionnaire,
    password,
)


@pytest.fixture
def fake_rpc() -> FakeRpc:
    rpc = FakeRpc()
    # The fake benchmark has a closed 2024 round as well; survey knows its questionnaire.
    rpc.survey.questionnaires[2024] = make_questionnaire(2024)
    rpc.benchmark = FakeBenchmark()
    rpc.services["benchmark"] = rpc.benchmark
    rpc.services["scoring"] = HistoryScoring(rpc.scoring)
    return rpc
