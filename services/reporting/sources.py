"""What a report is built from, as the services that own it publish it: ``sources`` for the
report modules (``municipality``, ``unit``, ``national``), gathered over RPC by the build.
Recommendations are scoring's ranking (``scoring.get_recommendations``), not computed here again.

No nameko here: the service hands in its RPC proxies. KL's report asks only for aggregates
(``benchmark.get_national`` and ``get_development``), never for one municipality's figures.
"""

from __future__ import annotations

from typing import Any

from services.common.errors import NotFound
from services.reporting.models import ReportJob


def collect(job: ReportJob, survey: Any, scoring: Any, benchmark: Any) -> dict:
    """Everything the report shows, from the services that own it (their RPC proxies); a
    municipality without a benchmark or a national series yet still gets its report."""
    year = job.year
    if job.kind == "national":
        return {
            "round": survey.get_round(year),
            "questionnaire": survey.get_questionnaire(year),
            "national": benchmark.get_national(year),
            "development": benchmark.get_development(),
        }
    municipality_id = job.municipality_id
    units = survey.list_units(municipality_id)
    sources = {
        "municipality": survey.get_municipality(municipality_id),
        "round": survey.get_round(year),
        "questionnaire": survey.get_questionnaire(year),
        "scores": scoring.get_scores(municipality_id, year),
        "history": scoring.get_history(municipality_id),
        "answers": survey.get_answers(municipality_id, year, all_units=True),
        "units": units,
    }
    if job.kind == "unit":
        unit = next((u for u in units if u["id"] == job.unit_id), None)
        if unit is None:
            raise NotFound(f"no unit {job.unit_id}", field="unit_id")
        sources["unit"] = unit
        sources["recommendations"] = scoring.get_recommendations(municipality_id, year, unit["id"])
        return sources
    sources["recommendations"] = scoring.get_recommendations(municipality_id, year)
    try:
        sources["benchmark"] = benchmark.get_benchmark(municipality_id, year)
    except NotFound:
        sources["benchmark"] = None
    try:
        sources["national_series"] = benchmark.get_national_series()
    except NotFound:
        sources["national_series"] = None
    return sources
