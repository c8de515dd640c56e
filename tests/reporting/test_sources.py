"""What a build collects: KL's report asks only for aggregates, a municipality without published
benchmark figures still gets its report, and a unit that is gone is missing data."""

import pytest

from services.common.errors import NotFound
from services.reporting import sources
from services.reporting.models import ReportJob


class Recorder:
    """An RPC proxy that records each call; ``missing`` names the calls that answer NotFound."""

    def __init__(self, calls: list[str], missing: tuple[str, ...] = ()) -> None:
        self.calls, self.missing = calls, missing

    def __getattr__(self, method: str):  # noqa: ANN204
        def call(*args: object, **kwargs: object) -> object:
            self.calls.append(method)
            if method in self.missing:
                raise NotFound(f"no {method}")
            return [{"id": 7, "name": "IT-drift"}] if method == "list_units" else {"called": method}

        return call


def job(kind: str, unit_id: int | None = None) -> ReportJob:
    municipality_id = None if kind == "national" else 751
    return ReportJob(kind=kind, year=2025, municipality_id=municipality_id, unit_id=unit_id)


def test_kl_report_asks_only_for_aggregates():
    calls: list[str] = []
    found = sources.collect(job("national"), Recorder(calls), Recorder(calls), Recorder(calls))
    assert sorted(calls) == ["get_development", "get_national", "get_questionnaire", "get_round"]
    assert set(found) == {"round", "questionnaire", "national", "development"}


def test_a_municipality_without_published_figures_still_gets_its_report():
    calls: list[str] = []
    benchmark = Recorder(calls, missing=("get_benchmark", "get_national_series"))
    found = sources.collect(job("municipality"), Recorder(calls), Recorder(calls), benchmark)
    assert found["benchmark"] is None and found["national_series"] is None
    assert found["scores"] == {"called": "get_scores"} and "unit" not in found


def test_a_unit_report_gets_its_unit_and_a_unit_that_is_gone_is_missing_data():
    calls: list[str] = []
    found = sources.collect(job("unit", 7), Recorder(calls), Recorder(calls), Recorder(calls))
    assert found["unit"] == {"id": 7, "name": "IT-drift"}
    assert "get_benchmark" not in calls
    with pytest.raises(NotFound, match="no unit 8"):
        sources.collect(job("unit", 8), Recorder(calls), Recorder(calls), Recorder(calls))


class Scoring(Recorder):
    """Scoring's proxy that also answers what it was asked for recommendations."""

    def get_recommendations(self, *args: object) -> dict:
        self.calls.append("get_recommendations")
        return {"ranked_for": args}


def test_recommendations_are_scorings_ranking_for_the_municipality_or_the_unit():
    calls: list[str] = []
    found = sources.collect(job("municipality"), Recorder(calls), Scoring(calls), Recorder(calls))
    assert found["recommendations"] == {"ranked_for": (751, 2025)}
    found = sources.collect(job("unit", 7), Recorder(calls), Scoring(calls), Recorder(calls))
    assert found["recommendations"] == {"ranked_for": (751, 2025, 7)}
