"""``/enheder``: the municipality's organisational units (forvaltning → afdeling).

Everybody in the municipality sees the tree; only the coordinator changes it. Errors from
survey come back next to the field they concern, with what the user typed kept in the form.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from gateway.auth import actor, municipality_id, municipality_required, roles_required
from gateway.i18n import t
from gateway.pages.common import list_units, unit_tree
from gateway.permissions import can_manage_units
from gateway.rpc import call
from services.common.errors import Conflict, NotFound, ValidationFailed
from services.common.numbers import parse_int

bp = Blueprint("units", __name__, url_prefix="/enheder")

FIELDS = ("name", "kind", "parent_id", "responsible_name", "responsible_email")


def form_data(form: Any) -> dict:
    """The unit as survey expects it: blanks become None, the parent an id (ValidationFailed
    naming ``parent_id`` when it is no number, shown next to the field like survey's errors)."""
    parent = (form.get("parent_id") or "").strip()
    return {
        "name": (form.get("name") or "").strip(),
        "kind": form.get("kind") or "forvaltning",
        "parent_id": parse_int(parent, "parent_id", minimum=1) if parent else None,
        "responsible_name": (form.get("responsible_name") or "").strip() or None,
        "responsible_email": (form.get("responsible_email") or "").strip() or None,
    }


def field_errors(exc: ValidationFailed) -> dict[str, str]:
    """A Danish message per field that survey named; anything else goes on top of the form."""
    names = [exc.field, *(exc.errors or {}).keys()]
    errors = {}
    for name in names:
        if name in FIELDS:
            errors[name] = t(f"unit.error.{name}")
    return errors or {"_form": t("unit.error.other")}


def _parents(units: list[dict], exclude: int | None = None) -> list[dict]:
    candidates = [u for u in units if u["kind"] == "forvaltning" and u["id"] != exclude]
    return sorted(candidates, key=lambda u: u["name"].casefold())


def _find(units: list[dict], unit_id: int) -> dict:
    for unit in units:
        if unit["id"] == unit_id:
            return unit
    abort(404)


def _index(values: dict | None = None, errors: dict | None = None, status: int = 200) -> Any:
    units = list_units()
    return (
        render_template(
            "units/index.html",
            nodes=unit_tree(units),
            parents=_parents(units),
            can_manage=can_manage_units(g.user),
            values=values or {},
            errors=errors or {},
        ),
        status,
    )


@bp.get("")
@municipality_required
def index() -> Any:
    return _index()


@bp.post("")
@roles_required("coordinator")
def create() -> Any:
    try:
        data = form_data(request.form)
    except ValidationFailed as exc:
        return _index(request.form.to_dict(), field_errors(exc), 422)
    if not data["name"]:
        return _index(data, {"name": t("unit.error.name")}, 422)
    try:
        call("survey", "create_unit", municipality_id(), data, actor())
    except ValidationFailed as exc:
        return _index(data, field_errors(exc), 422)
    flash(t("units.created", name=data["name"]), "success")
    return redirect(url_for("units.index"))


@bp.route("/<int:unit_id>/rediger", methods=("GET", "POST"))
@roles_required("coordinator")
def edit(unit_id: int) -> Any:
    units = list_units()
    unit = _find(units, unit_id)
    values, errors, status = dict(unit), {}, 200
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            values = form_data(request.form)
            if not values["name"]:
                raise ValidationFailed("name is empty", field="name")
            call("survey", "update_unit", municipality_id(), unit_id, values, actor())
        except ValidationFailed as exc:
            errors, status = field_errors(exc), 422
        else:
            flash(t("units.saved", name=values["name"]), "success")
            return redirect(url_for("units.index"))
    return (
        render_template(
            "units/edit.html",
            unit=unit,
            values=values,
            errors=errors,
            parents=_parents(units, exclude=unit_id),
        ),
        status,
    )


@bp.route("/<int:unit_id>/slet", methods=("GET", "POST"))
@roles_required("coordinator")
def delete(unit_id: int) -> Any:
    unit = _find(list_units(), unit_id)
    if request.method == "GET":
        return render_template("units/delete.html", unit=unit, error=None)
    try:
        call("survey", "delete_unit", municipality_id(), unit_id, actor())
    except Conflict:
        return render_template(
            "units/delete.html", unit=unit, error=t("units.delete_conflict")
        ), 409
    except NotFound:
        abort(404)
    flash(t("units.deleted", name=unit["name"]), "success")
    return redirect(url_for("units.index"))
