"""``/``: the municipality's overview of the current round."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, redirect, render_template, url_for

from gateway.auth import login_required, municipality_id
from gateway.pages.common import area_titles, flat_tree, list_units, visible_rounds
from gateway.rpc import ServiceUnavailable, call
from services.common.errors import NotFound

bp = Blueprint("dashboard", __name__)

ACCEPTABLE_LEVEL = 3.0


def _scores(year: int) -> tuple[dict | None, bool]:
    """Scores, or (None, True) when scoring is down: the page still shows progress then."""
    try:
        return call("scoring", "get_scores", municipality_id(), year), False
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


@bp.get("/")
@login_required
def index() -> Any:
    if g.user.municipality_id is None:
        return redirect(url_for("kl.index"))
    rounds = visible_rounds()
    current = next((r for r in rounds if r["state"] == "open"), rounds[0] if rounds else None)
    context: dict[str, Any] = {"current": current, "earlier": [r for r in rounds if r != current]}
    if current is not None:
        year = current["year"]
        questionnaire = call("survey", "get_questionnaire", year)
        progress = call("survey", "get_progress", municipality_id(), year)
        scores, scoring_down = _scores(year)
        context.update(
            progress=progress,
            scores=scores,
            scoring_down=scoring_down,
            acceptable=float(questionnaire.get("acceptable_level") or ACCEPTABLE_LEVEL),
            areas=area_rows(questionnaire, scores, progress),
            units=flat_tree(list_units()),
            unit_progress={u["id"]: u for u in progress.get("units", [])},
        )
    return render_template("dashboard.html", **context)
