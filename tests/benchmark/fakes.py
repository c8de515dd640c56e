"""In-memory stand-ins for the benchmark service and scoring's history, for gateway tests.

The figures are computed by the real pure modules (engine, disclosure, development, history)
from deterministic scores of the 98 municipalities, so pages and API are tested against the
shapes and rules of the real service.
"""

from __future__ import annotations

import copy
import functools
import random

from services.benchmark import development, engine
from services.benchmark.service import membership
from services.common.errors import NotFound
from services.scoring import history

YEARS = (2024, 2025, 2026)
STATES = {2024: "closed", 2025: "closed", 2026: "open"}


def _questionnaire(year: int) -> dict:
    from tests.gateway.conftest import make_questionnaire

    return make_questionnaire(year)


def _scores(municipality_id: int, year: int) -> dict | None:
    """Deterministic scores; every seventh municipality skips 2024 (a drop-out)."""
    if year == 2024 and municipality_id % 7 == 0:
        return None
    rng = random.Random(f"fake:{municipality_id}:{year}")
    policy = float(rng.randint(1, 5))
    owner = rng.choice([1.0, 2.0, 3.0, 3.0, 4.0, 5.0])
    backup = rng.choice([1.0, 5.0])
    hours = rng.choice([1.0, 5.0])
    tools = round(rng.uniform(1, 5), 2)
    governance = (policy + owner) / 2
    operations = (backup + hours + tools) / 3
    return {
        "overall": (governance + operations) / 2,
        "completeness": 1.0 if rng.random() < 0.8 else 0.7,
        "areas": {"governance": governance, "operations": operations},
        "questions": {
            "governance.policy": policy,
            "governance.owner": owner,
            "operations.backup": backup,
            "operations.hours": hours,
            "operations.tools": tools,
        },
    }


@functools.cache
def _round(year: int) -> dict:
    scores = {m: s for m in membership() if (s := _scores(m, year)) is not None}
    document = engine.publish(
        engine.compute_round(year, _questionnaire(year), scores, membership()),
        preliminary=STATES[year] != "closed",
    )
    document["computed_at"] = f"{year}-12-01T10:00:00Z"
    return {
        "year": year,
        "questionnaire": _questionnaire(year),
        "scores": scores,
        "document": document,
    }


class FakeBenchmark:
    """The benchmark service's RPC interface with the real engine behind it."""

    def __init__(self) -> None:
        self.missing: set[int] = set()

    def health(self) -> dict:
        return {"service": "benchmark", "status": "ok"}

    def list_years(self) -> list[dict]:
        return [
            {
                "year": y,
                "state": _round(y)["document"]["state"],
                "computed_at": "2026-01-01T00:00:00Z",
            }
            for y in sorted(YEARS, reverse=True)
            if y not in self.missing
        ]

    def _round(self, year: int) -> dict:
        if year not in YEARS or year in self.missing:
            raise NotFound(f"no benchmark for {year}", field="year")
        return _round(year)

    def get_benchmark(self, municipality_id: int, year: int) -> dict:
        member = membership().get(municipality_id)
        if member is None:
            raise NotFound("no municipality", field="municipality_id")
        found = self._round(year)
        view = engine.viewer_view(found["document"], found["scores"].get(municipality_id), member)
        return {**view, "computed_at": found["document"]["computed_at"]}

    def get_national(self, year: int) -> dict:
        found = self._round(year)
        document = copy.deepcopy(found["document"])
        return {**document, "priorities": engine.priorities(document, found["questionnaire"])}

    def get_national_series(self) -> dict:
        series: dict[str, dict] = {}
        for year in YEARS:
            for metric, cells in _round(year)["document"]["metrics"].items():
                if metric == "overall" or metric.startswith("area:"):
                    series.setdefault(metric, {})[str(year)] = cells.get(engine.NATIONAL)
        return {
            "years": [{"year": y, "state": _round(y)["document"]["state"]} for y in YEARS],
            "metrics": series,
        }

    def get_development(self) -> dict:
        closed = [_round(y) for y in YEARS if STATES[y] == "closed"]
        return development.development(closed, membership())


class HistoryScoring:
    """scoring's get_history over the fake questionnaires and scores above."""

    def __init__(self, scoring) -> None:  # noqa: ANN001
        self.scoring = scoring

    def get_history(self, municipality_id: int) -> dict:
        entries = []
        for year in (2025, 2026):
            scores = _scores(municipality_id, year)
            if scores is None:
                continue
            result = {
                "year": year,
                "overall": scores["overall"],
                "completeness": scores["completeness"],
                "areas": [
                    {"key": key, "score": value, "completeness": 1.0, "answered": 2, "expected": 2}
                    for key, value in scores["areas"].items()
                ],
                "questions": [
                    {"key": key, "score": value} for key, value in scores["questions"].items()
                ],
                "units": [
                    {
                        "id": unit_id,
                        "overall": 2.0 + unit_id / 10,
                        "completeness": 1.0,
                        "areas": [{"key": "governance", "score": 2.0 + unit_id / 10}],
                    }
                    for unit_id in (1, 2, 9)
                ],
            }
            entries.append({"year": year, "questionnaire": _questionnaire(year), "result": result})
        return history.build_history(entries)

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.scoring, name)
