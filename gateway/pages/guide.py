"""``/introduktion`` and ``/overdragelse``: guidance for a coordinator who is new in the job.

The introduction explains the yearly cycle with a link to where each step is done. The handover
page shows what the predecessor set up: units with their responsible persons, the open round's
delegations, last year's report and scores, and the colleagues with an account.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template
from sqlalchemy import select

from gateway import clients
from gateway.access import manager, municipality_id, municipality_required, roles_required
from gateway.cycle import STEPS
from gateway.db import get_db
from gateway.i18n import t
from gateway.lookups import area_titles, flat_tree, list_units, visible_rounds
from gateway.models import User
from gateway.pages.dashboard import step_url
from gateway.report_files import municipal_viewer, report_label
from gateway.rpc import ServiceUnavailable
from services.common.errors import NotFound

bp = Blueprint("guide", __name__)


def _round_year() -> int | None:
    rounds = visible_rounds()
    chosen = next((r for r in rounds if r["state"] == "open"), rounds[0] if rounds else None)
    return chosen["year"] if chosen else None


@bp.get("/introduktion")
@municipality_required
def intro() -> Any:
    year = _round_year()
    steps = [{"key": key, "url": step_url(key, year) if year else None} for key in STEPS]
    return render_template("onboarding/intro.html", steps=steps, year=year)


def _last_year(rounds: list[dict], current_year: int | None) -> int | None:
    """The newest closed round before the current one: "last year" for the handover."""
    closed = [r["year"] for r in rounds if r["state"] == "closed" and r["year"] != current_year]
    return max(closed) if closed else None


def _optional(rpc: Callable[..., Any], **arguments: Any) -> tuple[Any, bool]:
    """A service's answer, or (None, True) when it is down: the page shows the rest."""
    try:
        return rpc(**arguments), False
    except ServiceUnavailable:
        return None, True
    except NotFound:
        return None, False


@bp.get("/overdragelse")
@roles_required("coordinator")
def handover() -> Any:
    rounds = visible_rounds()
    open_round = next((r for r in rounds if r["state"] == "open"), None)
    current_year = open_round["year"] if open_round else None
    last_year = _last_year(rounds, current_year)
    units = list_units()
    names = {u["id"]: u["name"] for u in units}
    mid = municipality_id()
    down: list[str] = []

    delegations: list[dict] = []
    if current_year is not None:
        found, failed = _optional(
            clients.delegation.list_delegations,
            municipality_id=mid,
            year=current_year,
            actor=manager(),
        )
        delegations = found or []
        if failed:
            down.append("delegation")

    reports: list[dict] = []
    last_scores, questionnaire = None, None
    if last_year is not None:
        jobs, failed = _optional(
            clients.reporting.list_reports,
            municipality_id=mid,
            viewer=municipal_viewer(units),
            year=last_year,
        )
        if failed:
            down.append("reporting")
        reports = [j for j in jobs or [] if j.get("year") == last_year and j.get("file")]
        for job in reports:
            job["label"] = report_label(job, names, t)
        last_scores, failed = _optional(
            clients.scoring.get_scores, municipality_id=mid, year=last_year
        )
        if failed:
            down.append("scoring")
        questionnaire, _ = _optional(clients.survey.get_questionnaire, year=last_year)

    colleagues = get_db().scalars(
        select(User).where(User.municipality_id == mid).order_by(User.role, User.name)
    )
    return render_template(
        "onboarding/handover.html",
        units=flat_tree(units),
        current_year=current_year,
        last_year=last_year,
        delegations=delegations,
        reports=reports,
        last_scores=last_scores,
        titles=area_titles(questionnaire),
        colleagues=list(colleagues),
        down=down,
    )
