"""Lookups several pages share: visible rounds, one round, the unit tree, a number in the URL."""

from __future__ import annotations

from flask import abort, request

from gateway.auth import municipality_id
from gateway.i18n import t
from gateway.rpc import call
from services.common.errors import NotFound
from services.common.numbers import try_parse_int


def visible_rounds() -> list[dict]:
    """Rounds a municipality can see (not drafts), newest first."""
    rounds = [r for r in call("survey", "list_rounds") if r.get("state") != "draft"]
    return sorted(rounds, key=lambda r: r["year"], reverse=True)


def get_round(year: int) -> dict:
    """The round, or 404 when it does not exist or is still a draft."""
    try:
        round_ = call("survey", "get_round", year)
    except NotFound:
        abort(404)
    if round_ is None or round_.get("state") == "draft":
        abort(404)
    return round_


def number_arg(name: str) -> int | None:
    """``?name=`` read by ``services.common.numbers``: absent or empty is None; anything else
    that is not a number the database can hold is a 400 page naming the parameter."""
    raw = request.args.get(name, "")
    if raw == "":
        return None
    number = try_parse_int(raw, name)
    if number is None:
        abort(400, description=t("input.number", field=name))
    return number


def list_units() -> list[dict]:
    return call("survey", "list_units", municipality_id())


def unit_tree(units: list[dict]) -> list[dict]:
    """Forvaltninger with their afdelinger, sorted by name, as ``{"unit", "children"}``."""
    by_parent: dict[int | None, list[dict]] = {}
    known = {u["id"] for u in units}
    for unit in units:
        parent = unit.get("parent_id") if unit.get("parent_id") in known else None
        by_parent.setdefault(parent, []).append(unit)

    def build(parent: int | None) -> list[dict]:
        children = sorted(by_parent.get(parent, []), key=lambda u: u["name"].casefold())
        return [{"unit": u, "children": build(u["id"])} for u in children]

    return build(None)


def flat_tree(units: list[dict]) -> list[tuple[dict, int]]:
    """The tree in display order with each unit's depth, for selects and lists."""
    flat: list[tuple[dict, int]] = []

    def walk(nodes: list[dict], depth: int) -> None:
        for node in nodes:
            flat.append((node["unit"], depth))
            walk(node["children"], depth + 1)

    walk(unit_tree(units), 0)
    return flat


def area_titles(questionnaire: dict | None) -> dict[str, dict]:
    if not questionnaire:
        return {}
    return {area["key"]: area["title"] for area in questionnaire.get("areas", [])}
