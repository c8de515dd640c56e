"""History, benchmark and KL's aggregates under ``/api/v1``.

Municipal endpoints act for the session's municipality only; a municipality id anywhere in the
request is ignored. KL endpoints take no municipality at all and return group figures only.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from gateway import clients
from gateway.access import kl_required, municipality_id, municipality_required
from gateway.api.answers import check_own_unit
from gateway.api.base import api, operation
from gateway.api.benchmark_schemas import (
    BenchmarkSchema,
    BenchmarkYearSchema,
    DevelopmentSchema,
    HistorySchema,
    NationalSchema,
    UnitComparisonSchema,
)
from gateway.api.rounds import visible_round
from gateway.lookups import list_units, visible_history
from gateway.rpc import ServiceUnavailable
from services.common.errors import NotFound
from services.common.unit_comparison import unit_versus_rest

TAGS = ("benchmark",)


@api.get("/history")
@operation(
    "Own development over every round answered, questions matched across versions by key",
    response=HistorySchema(),
    description="Each year carries the share of questions it shares with the previous year "
    "shown (`comparable_share`), so that a questionnaire change is not read as progress. "
    "`national` holds the national median and quartiles per year (null if unavailable).",
    tags=TAGS,
)
@municipality_required
def history() -> Any:
    found = visible_history(
        clients.scoring.get_history(municipality_id=municipality_id()), clients.survey.list_rounds()
    )
    names = {unit["id"]: unit["name"] for unit in list_units()}
    years = set(found["years"])

    def in_years(points: list[dict]) -> list[dict]:
        return [p for p in points if p["year"] in years]

    try:
        national = clients.benchmark.get_national_series()
    except (ServiceUnavailable, NotFound):
        national = None
    return jsonify(
        years=found["years"],
        states={str(y): s for y, s in found["states"].items()},
        overall=in_years(found["overall"]),
        areas=[dict(a, points=in_years(a["points"])) for a in found["areas"]],
        questions=[dict(q, points=in_years(q["points"])) for q in found["questions"]],
        units=[
            dict(u, name=names[u["id"]], points=in_years(u["points"]))
            for u in found["units"]
            if u["id"] in names
        ],
        comparisons=found["comparisons"],
        national=national,
    )


@api.get("/rounds/<year:year>/benchmark")
@operation(
    "Own scores beside Denmark, the own region and size class, with the band in each",
    response=BenchmarkSchema(),
    errors=(404,),
    description="Group figures are published only when built from at least 5 municipalities "
    "other than the viewer and not all alike; withheld ones are null. Never a rank, never "
    "another municipality's name or value.",
    tags=TAGS,
)
@municipality_required
def benchmark(year: int) -> Any:
    visible_round(year)
    return jsonify(clients.benchmark.get_benchmark(municipality_id=municipality_id(), year=year))


@api.get("/rounds/<year:year>/units/<int:unit_id>/comparison")
@operation(
    "One of the municipality's units against the rest of its organisation",
    response=UnitComparisonSchema(),
    errors=(404,),
    tags=TAGS,
)
@municipality_required
def unit_comparison(year: int, unit_id: int) -> Any:
    visible_round(year)
    check_own_unit(unit_id)
    questionnaire = clients.survey.get_questionnaire(year=year)
    scores = clients.scoring.get_scores(municipality_id=municipality_id(), year=year)
    try:
        return jsonify(unit_versus_rest(scores, unit_id, questionnaire))
    except KeyError:
        raise NotFound("No scores for this unit.", field="unit_id") from None


@api.get("/kl/rounds")
@operation(
    "Rounds with published aggregates, newest first (KL)",
    response=BenchmarkYearSchema(many=True),
    tags=("kl",),
)
@kl_required
def kl_rounds() -> Any:
    return jsonify(clients.benchmark.list_years())


@api.get("/kl/rounds/<year:year>/benchmark")
@operation(
    "National, regional and size-class aggregates, participation and priorities (KL)",
    response=NationalSchema(),
    errors=(404,),
    tags=("kl",),
)
@kl_required
def kl_benchmark(year: int) -> Any:
    return jsonify(clients.benchmark.get_national(year=year))


@api.get("/kl/development")
@operation(
    "Development over the closed rounds: all participants and the two-year panels (KL)",
    response=DevelopmentSchema(),
    tags=("kl",),
)
@kl_required
def kl_development() -> Any:
    return jsonify(clients.benchmark.get_development())
