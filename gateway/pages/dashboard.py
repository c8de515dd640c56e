"""``/``: the municipality's overview of the current round, with the yearly-cycle checklist.

A coordinator's first visit also shows the introduction to the yearly cycle (remembered on the
user, ``intro_seen_at``); ``/introduktion`` shows it again whenever they want.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, redirect, render_template, url_for

from gateway import clients, cycle
from gateway.access import login_required, manager, municipality_id
from gateway.db import get_db
from gateway.lookups import area_titles, flat_tree, list_units, visible_rounds
from gateway.models import utcnow
from gateway.report_files import municipal_viewer
from gateway.rpc import ServiceUnavailable
from services.common.errors import NotFound
from services.common.questionnaire import acceptable_level

bp = Blueprint("dashboard", __name__)

MANAGERS = ("coordinator", "unit_lead")

# Where each step of the cycle is done: endpoint and whether it takes the round's year.
STEP_ENDPOINTS = {
    "units": ("units.index", False),
    "delegation": ("delegation.index", True),
    "answering": ("answering.answer", True),
    "review": ("delegation.index", True),
    "submit": ("scores.scores", True),
    "reports": ("reports.index", False),
    "benchmark": ("benchmark.benchmark", True),
}


def step_url(key: str, year: int) -> str:
    endpoint, with_year = STEP_ENDPOINTS[key]
    return url_for(endpoint, year=year) if with_year else url_for(endpoint)


def _scores(year: int) -> tuple[dict | None, bool]:
    """Scores, or (None, True) when scoring is down: the page still shows progress then."""
    try:
        return clients.scoring.get_scores(municipality_id=municipality_id(), year=year), False
    except ServiceUnavailable:
        return None, True
    except NotFound:
        return None, False


def area_rows(questionnaire: dict, scores: dict | None, progress: dict | None) -> list[dict]:
    """One row per focus area in questionnaire order, joined with its score and progress."""
    scored = {a["key"]: a for a in (scores or {}).get("areas", [])}
    counted = {a["key"]: a for a in (progress or {}).get("areas", [])}
    titles = area_titles(questionnaire)
    rows = []
    for key, title in titles.items():
        score = scored.get(key, {})
        count = counted.get(key, {})
        rows.append(
            {
                "key": key,
                "title": title,
                "score": score.get("score"),
                "below": bool(score.get("below_acceptable")),
                "answered": count.get("answered", 0),
                "expected": count.get("expected", 0),
            }
        )
    return rows


def _delegation_facts(year: int) -> tuple[dict, bool]:
    """Counts of the round's delegations; ({}, True) when the delegation service is down."""
    if g.user.role not in MANAGERS:
        return {}, False
    try:
        listed = clients.delegation.list_delegations(
            municipality_id=municipality_id(), year=year, actor=manager()
        )
    except ServiceUnavailable:
        return {}, True
    return cycle.delegation_counts(listed), False


def _reports_ordered(year: int, units: list[dict]) -> tuple[int, bool]:
    try:
        jobs = clients.reporting.list_reports(
            municipality_id=municipality_id(), viewer=municipal_viewer(units), year=year
        )
    except ServiceUnavailable:
        return 0, True
    return sum(
        1 for j in jobs if j.get("year") == year and j.get("state") not in ("failed", "skipped")
    ), False


def _benchmark_available(year: int) -> tuple[bool, bool]:
    try:
        years = clients.benchmark.list_years()
    except ServiceUnavailable:
        return False, True
    return any(y.get("year") == year for y in years), False


def checklist(current: dict, progress: dict, units: list[dict]) -> tuple[list[dict], bool]:
    """The cycle's steps for the round with a link each; True when a service did not answer
    (the checklist then shows what it knows and says so)."""
    year = current["year"]
    delegations, delegation_down = _delegation_facts(year)
    reports, reports_down = _reports_ordered(year, units)
    benchmark, benchmark_down = _benchmark_available(year)
    facts = cycle.CycleFacts(
        round_state=current["state"],
        units=len(units),
        answered=progress["municipality"]["answered"],
        expected=progress["municipality"]["expected"],
        areas=len(progress.get("areas", [])),
        areas_complete=cycle.count_complete(progress.get("areas", [])),
        units_complete=cycle.count_complete(progress.get("units", [])),
        reports_ordered=reports,
        benchmark_available=benchmark,
        **delegations,
    )
    steps = [
        {"key": s.key, "status": s.status, "figures": s.values, "warning": s.warning}
        for s in cycle.checklist(facts)
    ]
    for step in steps:
        step["url"] = step_url(step["key"], year)
    return steps, delegation_down or reports_down or benchmark_down


def _first_visit() -> bool:
    """A coordinator sees the introduction on the first visit, once (remembered on the user)."""
    if g.user.role != "coordinator" or g.user.intro_seen_at is not None:
        return False
    g.user.intro_seen_at = utcnow()
    get_db().commit()
    return True


@bp.get("/")
@login_required
def index() -> Any:
    if g.user.municipality_id is None:
        return redirect(url_for("kl.index"))
    rounds = visible_rounds()
    current = next((r for r in rounds if r["state"] == "open"), rounds[0] if rounds else None)
    context: dict[str, Any] = {
        "current": current,
        "earlier": [r for r in rounds if r != current],
        "show_intro": _first_visit(),
    }
    if current is not None:
        year = current["year"]
        questionnaire = clients.survey.get_questionnaire(year=year)
        progress = clients.survey.get_progress(municipality_id=municipality_id(), year=year)
        scores, scoring_down = _scores(year)
        units = list_units()
        steps, checklist_partial = [], False
        if g.user.role in MANAGERS:
            steps, checklist_partial = checklist(current, progress, units)
        context.update(
            progress=progress,
            scores=scores,
            scoring_down=scoring_down,
            acceptable=acceptable_level(questionnaire),
            areas=area_rows(questionnaire, scores, progress),
            units=flat_tree(units),
            unit_progress={u["id"]: u for u in progress.get("units", [])},
            steps=steps,
            next_step=next((s for s in steps if s["status"] == cycle.NEXT), None),
            checklist_partial=checklist_partial,
        )
    return render_template("dashboard.html", **context)
