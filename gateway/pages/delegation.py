"""``/runder/<year>/delegeringer``: the coordinator's (and a unit lead's) delegations.

Overview per unit and focus area with states and what is overdue, a form to delegate one
question, a set, an area or a unit's questions, and a page per delegation to review (approve or
send back with a comment), extend, re-delegate or revoke. The municipality always comes from the
session; the delegation service answers another municipality's delegation as not found.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from gateway.auth import municipality_id, roles_required
from gateway.i18n import current_language, t
from gateway.pages.common import flat_tree, get_round, list_units, number_arg, visible_rounds
from gateway.rpc import call
from services.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.common.numbers import try_parse_int
from services.common.unit_tree import subtree_ids
from services.common.years import is_round_year
from services.delegation.tokens import local_today

bp = Blueprint("delegation", __name__)

MANAGERS = ("coordinator", "unit_lead")
MUNICIPALITY_SCOPE = "kommune"
DEFAULT_DAYS = 14
FORM_FIELDS = ("delegate_name", "delegate_email", "message", "due_date", "question_keys", "kind")


@bp.app_template_filter("due")
def format_due(value: Any) -> str:
    """A due date (ISO ``YYYY-MM-DD``) as Danish or English readers write it."""
    if not value:
        return ""
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return day.strftime("%d.%m.%Y") if current_language() == "da" else day.strftime("%d %b %Y")


def manager() -> dict:
    """The acting coordinator or unit lead as the delegation service records them."""
    return {
        "user_id": g.user.id,
        "name": g.user.name,
        "role": g.user.role,
        "email": g.user.email,
        "unit_id": g.user.unit_id,
    }


def manageable_units(units: list[dict]) -> list[tuple[dict, int]]:
    """The units (with depth) the user may delegate for, in tree order."""
    tree = flat_tree(units)
    if g.user.role == "coordinator":
        return tree
    if g.user.unit_id is None:
        return []
    allowed = subtree_ids(g.user.unit_id, units)
    return [(unit, depth) for unit, depth in tree if unit["id"] in allowed]


def field_error(exc: ValidationFailed) -> dict[str, str]:
    """Which form field a service error belongs to, with a Danish text for it."""
    field = (exc.field or "").split("[", 1)[0]
    if field in ("area_key", "unit_id"):
        field = "kind"
    if field in FORM_FIELDS:
        return {field: t(f"delegation.error.{field}")}
    return {"_form": t("delegation.error.other")}


@bp.get("/delegeringer")
@roles_required(*MANAGERS)
def current() -> Any:
    """The navigation's "Delegering": the open round, else the newest one."""
    rounds = visible_rounds()
    chosen = next((r for r in rounds if r["state"] == "open"), rounds[0] if rounds else None)
    if chosen is None:
        flash(t("dashboard.no_round"), "info")
        return redirect(url_for("dashboard.index"))
    return redirect(url_for("delegation.index", year=chosen["year"]))


@bp.get("/runder/<year:year>/delegeringer")
@roles_required(*MANAGERS)
def index(year: int) -> Any:
    round_ = get_round(year)
    questionnaire = call("survey", "get_questionnaire", year)
    units = list_units()
    overview = call("delegation", "overview", municipality_id(), year, manager())
    delegations = call("delegation", "list_delegations", municipality_id(), year, manager())
    digest = call("delegation", "get_digest", municipality_id(), manager())
    return render_template(
        "delegation/index.html",
        round=round_,
        areas=questionnaire["areas"],
        matrix=_matrix(questionnaire, units, overview),
        overview=overview,
        delegations=delegations,
        digest=digest,
        unit_names={u["id"]: u["name"] for u in units},
        area_titles={a["key"]: a["title"] for a in questionnaire["areas"]},
    )


def _matrix(questionnaire: dict, units: list[dict], overview: dict) -> list[dict]:
    """One row per target (municipality, then units in tree order) with a cell per area."""
    by_target = {t["unit_id"]: t for t in overview["targets"]}
    targets: list[tuple[int | None, str | None, int]] = []
    if g.user.role == "coordinator":
        targets.append((None, None, 0))
    targets += [(u["id"], u["name"], depth) for u, depth in manageable_units(units)]
    rows = []
    for unit_id, name, depth in targets:
        scope = "municipality" if unit_id is None else "unit"
        held = by_target.get(unit_id, {"areas": {}})["areas"]
        cells = []
        for area in questionnaire["areas"]:
            total = sum(q["scope"] == scope for q in area["questions"])
            delegated = held.get(area["key"], [])
            people: dict[int, dict] = {}
            for item in delegated:
                people.setdefault(item["delegation_id"], item)
            cells.append(
                {
                    "area": area["key"],
                    "total": total,
                    "delegated": len(delegated),
                    "people": list(people.values()),
                }
            )
        rows.append({"unit_id": unit_id, "name": name, "depth": depth, "cells": cells})
    return rows


@bp.route("/runder/<year:year>/delegeringer/ny", methods=("GET", "POST"))
@roles_required(*MANAGERS)
def new(year: int) -> Any:
    round_ = get_round(year)
    if round_["state"] != "open":
        flash(t("delegation.round_not_open"), "info")
        return redirect(url_for("delegation.index", year=year))
    questionnaire = call("survey", "get_questionnaire", year)
    units = list_units()
    choices = manageable_units(units)
    unit_id = _chosen_unit(choices)
    area = _chosen_area(questionnaire, unit_id)
    scope = "municipality" if unit_id is None else "unit"
    questions = [q for q in area["questions"] if q["scope"] == scope]
    overview = call("delegation", "overview", municipality_id(), year, manager())
    taken = {
        item["question_key"]: item
        for target in overview["targets"]
        if target["unit_id"] == unit_id
        for items in target["areas"].values()
        for item in items
    }
    values: dict[str, Any] = {
        "kind": "questions",
        "question_keys": [],
        "due_date": (local_today() + timedelta(days=DEFAULT_DAYS)).isoformat(),
    }
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = {
            "kind": request.form.get("kind", "questions"),
            "question_keys": request.form.getlist("question_keys"),
            "delegate_name": request.form.get("delegate_name", "").strip(),
            "delegate_email": request.form.get("delegate_email", "").strip(),
            "message": request.form.get("message", "").strip() or None,
            "due_date": request.form.get("due_date", "").strip(),
        }
        data = {
            **values,
            "unit_id": unit_id,
            "area_key": area["key"],
            "kind": values["kind"] if values["kind"] in ("questions", "area", "unit") else "",
        }
        if data["kind"] == "questions" and len(values["question_keys"]) == 1:
            data["kind"] = "question"
        try:
            created = call(
                "delegation", "create_delegation", municipality_id(), year, data, manager()
            )
        except ValidationFailed as exc:
            errors, status = field_error(exc), 422
        except Conflict as exc:
            errors, status = {"_form": t("delegation.error.conflict", detail=exc.detail)}, 409
        except Forbidden:
            errors, status = {"_form": t("delegation.error.forbidden")}, 403
        else:
            flash(t("delegation.created", name=created["delegate_name"]), "success")
            return redirect(url_for("delegation.detail", year=year, delegation_id=created["id"]))
    return (
        render_template(
            "delegation/new.html",
            round=round_,
            units=choices,
            may_municipality=g.user.role == "coordinator",
            unit_id=unit_id,
            unit_param=MUNICIPALITY_SCOPE if unit_id is None else str(unit_id),
            areas=[
                a
                for a in questionnaire["areas"]
                if any(q["scope"] == scope for q in a["questions"])
            ],
            area=area,
            questions=questions,
            taken=taken,
            values=values,
            errors=errors,
        ),
        status,
    )


def _chosen_unit(choices: list[tuple[dict, int]]) -> int | None:
    known = {u["id"] for u, _ in choices}
    chosen = None if request.args.get("unit") == MUNICIPALITY_SCOPE else number_arg("unit")
    if chosen is not None:
        if chosen not in known:
            abort(404)
        return chosen
    if g.user.role != "coordinator":
        if not choices:
            abort(403)
        return choices[0][0]["id"]
    return None


def _has_scope(area: dict, scope: str) -> bool:
    return any(q["scope"] == scope for q in area["questions"])


def _chosen_area(questionnaire: dict, unit_id: int | None) -> dict:
    scope = "municipality" if unit_id is None else "unit"
    usable = [a for a in questionnaire["areas"] if _has_scope(a, scope)]
    wanted = request.args.get("area")
    for area in usable:
        if area["key"] == wanted:
            return area
    if not usable:
        abort(404)
    return usable[0]


def _detail(year: int, delegation_id: int) -> dict:
    try:
        found = call("delegation", "get_delegation", municipality_id(), delegation_id, manager())
    except NotFound:
        abort(404)
    if found["year"] != year:
        abort(404)
    return found


@bp.get("/runder/<year:year>/delegeringer/<int:delegation_id>")
@roles_required(*MANAGERS)
def detail(year: int, delegation_id: int) -> Any:
    return _render_detail(year, _detail(year, delegation_id))


def _render_detail(
    year: int, delegation: dict, errors: dict | None = None, status: int = 200
) -> Any:
    round_ = get_round(year)
    questionnaire = call("survey", "get_questionnaire", year)
    wanted = set(delegation["question_keys"])
    questions = [q for a in questionnaire["areas"] for q in a["questions"] if q["key"] in wanted]
    answers = call("survey", "get_answers", municipality_id(), year, unit_id=delegation["unit_id"])
    saved = {a["question_key"]: a for a in answers if a.get("unit_id") == delegation["unit_id"]}
    return (
        render_template(
            "delegation/detail.html",
            round=round_,
            d=delegation,
            questions=questions,
            saved=saved,
            area_titles={a["key"]: a["title"] for a in questionnaire["areas"]},
            errors=errors or {},
            form=request.form if request.method == "POST" else {},
        ),
        status,
    )


ACTIONS = {
    "godkend": "approve",
    "send-tilbage": "send_back",
    "forlaeng": "extend",
    "videredeleger": "redelegate",
    "tilbagekald": "revoke",
}


@bp.post("/runder/<year:year>/delegeringer/<int:delegation_id>/<action>")
@roles_required(*MANAGERS)
def act(year: int, delegation_id: int, action: str) -> Any:
    """One review or management action; problems come back next to the form they concern."""
    if action not in ACTIONS:
        abort(404)
    delegation = _detail(year, delegation_id)
    name = ACTIONS[action]
    form = request.form
    target_id = delegation_id
    try:
        if name == "approve":
            call("delegation", "approve_delegation", municipality_id(), delegation_id, manager())
        elif name == "send_back":
            comment = form.get("comment", "").strip()
            if not comment:
                raise ValidationFailed("comment is empty", field="comment")
            call(
                "delegation",
                "send_back_delegation",
                municipality_id(),
                delegation_id,
                comment,
                manager(),
            )
        elif name == "extend":
            call(
                "delegation",
                "extend_delegation",
                municipality_id(),
                delegation_id,
                form.get("due_date", "").strip(),
                manager(),
            )
        elif name == "redelegate":
            data = {
                "delegate_name": form.get("delegate_name", "").strip(),
                "delegate_email": form.get("delegate_email", "").strip(),
                "message": form.get("message", "").strip() or None,
                "due_date": form.get("due_date", "").strip() or None,
            }
            created = call(
                "delegation", "redelegate", municipality_id(), delegation_id, data, manager()
            )
            target_id = created["id"]
        else:
            call(
                "delegation",
                "revoke_delegation",
                municipality_id(),
                delegation_id,
                manager(),
                form.get("comment", "").strip() or None,
            )
    except ValidationFailed as exc:
        field = (exc.field or "").split("[", 1)[0]
        message = t(f"delegation.error.{field}") if field in FORM_FIELDS + ("comment",) else None
        errors = {name: message or t("delegation.error.other")}
        return _render_detail(year, delegation, errors, 422)
    except Conflict:
        return _render_detail(year, delegation, {name: t("delegation.error.state")}, 409)
    flash(t(f"delegation.done.{name}"), "success")
    return redirect(url_for("delegation.detail", year=year, delegation_id=target_id))


@bp.post("/delegeringer/dagligt-overblik")
@roles_required(*MANAGERS)
def digest() -> Any:
    enabled = request.form.get("enabled") == "1"
    call("delegation", "set_digest", municipality_id(), manager(), enabled)
    flash(t("delegation.digest.on" if enabled else "delegation.digest.off"), "success")
    year = try_parse_int(request.form.get("year"), "year")
    if year is not None and is_round_year(year):
        return redirect(url_for("delegation.index", year=year))
    return redirect(url_for("delegation.current"))
