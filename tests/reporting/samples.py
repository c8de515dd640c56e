"""Report sources as the reporting service collects them, computed offline from the demo history.

The 98 real municipalities answer the shipped 2021-2025 questionnaires through
``tools.demo_history``; scores, history, benchmark and KL's development come from the same pure
modules the services use (scoring rules, recommendations and history, the benchmark engine), so
the figures are those a running platform would publish, without starting one.
"""

from __future__ import annotations

import functools
import io
import re
from datetime import UTC, datetime

from pypdf import PdfReader

from services.benchmark import development, engine
from services.common.config import DATA_DIR
from services.common.municipalities import load_municipalities, size_class
from services.scoring import history, rules
from services.survey.questionnaire_format import parse_questionnaire
from tools import demo_history

YEARS = (2021, 2022, 2023, 2024, 2025)
AARHUS = 751
WHEN = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
UNIT_NAMES = ("Borgerservice og Digitalisering", "Børn og Unge", "Social og Sundhed")


@functools.cache
def questionnaire(year: int) -> dict:
    return parse_questionnaire((DATA_DIR / "questionnaires" / f"{year}.yaml").read_text())


@functools.cache
def municipalities() -> dict[int, dict]:
    return {
        m["id"]: {**m, "size_class": size_class(m["population"])} for m in load_municipalities()
    }


def membership() -> dict[int, dict]:
    return {
        i: {"region": m["region"], "size_class": m["size_class"]}
        for i, m in municipalities().items()
    }


def units_of(municipality_id: int) -> list[dict]:
    """Three units with ids derived from the municipality, so ids never collide."""
    return [
        {
            "id": municipality_id * 10 + index,
            "name": name,
            "kind": "forvaltning",
            "parent_id": None,
            "responsible_name": None,
            "responsible_email": None,
        }
        for index, name in enumerate(UNIT_NAMES, start=1)
    ]


@functools.cache
def _profiles() -> dict[int, demo_history.Profile]:
    return {i: demo_history.profile(m) for i, m in municipalities().items()}


@functools.cache
def answers_of(municipality_id: int, year: int) -> tuple[dict, ...]:
    profile = _profiles()[municipality_id]
    if year not in profile.years:
        return ()
    unit_ids = [u["id"] for u in units_of(municipality_id)]
    found = demo_history.answers(questionnaire(year), profile, unit_ids)
    people = ("Mette Kjær", "Ole Hansen (ole@example.dk)", "Sara Lund")
    return tuple(
        {
            **a,
            "comment": None,
            "draft": False,
            "revision": 1,
            "answered_by": people[i % len(people)],
            "answered_at": f"{year}-05-{1 + i % 28:02d}T10:00:00Z",
        }
        for i, a in enumerate(found)
    )


@functools.cache
def scores_of(municipality_id: int, year: int) -> dict:
    q = questionnaire(year)
    unit_ids = [u["id"] for u in units_of(municipality_id)]
    answers = list(answers_of(municipality_id, year))
    result = rules.compute_scores(q, unit_ids, answers)
    result["questions"] = rules.question_scores(q, unit_ids, answers)
    return result


def _projection(year: int) -> dict[int, dict]:
    found = {}
    for municipality_id in municipalities():
        result = scores_of(municipality_id, year)
        found[municipality_id] = {
            "overall": result["overall"],
            "completeness": result["completeness"],
            "areas": {a["key"]: a["score"] for a in result["areas"]},
            "questions": {q["key"]: q["score"] for q in result["questions"]},
        }
    return found


@functools.cache
def published(year: int) -> dict:
    document = engine.compute_round(year, questionnaire(year), _projection(year), membership())
    return engine.publish(document, preliminary=False)


def national(year: int) -> dict:
    return {
        **published(year),
        "priorities": engine.priorities(published(year), questionnaire(year)),
    }


@functools.cache
def kl_development() -> dict:
    rounds = [
        {
            "year": y,
            "questionnaire": questionnaire(y),
            "scores": _projection(y),
            "document": published(y),
        }
        for y in YEARS
    ]
    return development.development(rounds, membership())


def national_series() -> dict:
    metrics: dict[str, dict] = {}
    for y in YEARS:
        for metric, cells in published(y)["metrics"].items():
            if metric == "overall" or metric.startswith("area:"):
                metrics.setdefault(metric, {})[str(y)] = cells.get(engine.NATIONAL)
    return {"years": [{"year": y, "state": "final"} for y in YEARS], "metrics": metrics}


def municipality_sources(municipality_id: int, year: int = 2025) -> dict:
    entries = [
        {"year": y, "questionnaire": questionnaire(y), "result": scores_of(municipality_id, y)}
        for y in YEARS
        if y <= year and answers_of(municipality_id, y)
    ]
    own = _projection(year)[municipality_id]
    member = membership()[municipality_id]
    view = engine.viewer_view(published(year), own, member)
    return {
        "municipality": municipalities()[municipality_id],
        "round": {"year": year, "state": "closed"},
        "questionnaire": questionnaire(year),
        "scores": scores_of(municipality_id, year),
        "history": history.build_history(entries),
        "national_series": national_series(),
        "benchmark": view,
        "answers": list(answers_of(municipality_id, year)),
        "units": units_of(municipality_id),
        "recommendations": rules.recommendations(
            questionnaire(year), list(answers_of(municipality_id, year))
        ),
    }


def unit_sources(municipality_id: int, unit_index: int = 0, year: int = 2025) -> dict:
    sources = municipality_sources(municipality_id, year)
    unit = sources["units"][unit_index]
    sources["unit"] = unit
    sources["recommendations"] = rules.recommendations(
        questionnaire(year), sources["answers"], unit_id=unit["id"]
    )
    return sources


def national_sources(year: int = 2025) -> dict:
    return {
        "round": {"year": year, "state": "closed"},
        "questionnaire": questionnaire(year),
        "national": national(year),
        "development": kl_development(),
    }


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF, as a reader would copy it."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def mentions(text: str, name: str) -> bool:
    """Whether ``name`` stands in ``text`` as a word of its own."""
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None
