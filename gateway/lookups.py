"""Request helpers the pages and the API share: visible rounds and their history, one round,
the unit tree, a number in the URL, the municipalities to choose from."""

from __future__ import annotations

from flask import abort, request

from gateway import clients
from gateway.access import municipality_id
from gateway.i18n import t
from gateway.rpc import ServiceUnavailable
from services.common.errors import NotFound
from services.common.numbers import try_parse_int

KL_CHOICE = "kl"


def visible_rounds() -> list[dict]:
    """Rounds a municipality can see (not drafts), newest first."""
    rounds = [r for r in clients.survey.list_rounds() if r.get("state") != "draft"]
    return sorted(rounds, key=lambda r: r["year"], reverse=True)


def get_round(year: int) -> dict:
    """The round, or 404 when it does not exist or is still a draft."""
    try:
        round_ = clients.survey.get_round(year=year)
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
    return clients.survey.list_units(municipality_id=municipality_id())


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


def municipality_choices() -> tuple[list[dict], bool]:
    """Names for the select; if survey is down, the form falls back to a kommunekode field."""
    try:
        municipalities = clients.survey.list_municipalities()
    except ServiceUnavailable:
        return [], False
    return sorted(municipalities, key=lambda m: m["name"]), True


def municipality_names() -> dict[int, str]:
    """Kommunekode to name; empty when survey cannot be reached."""
    return {m["id"]: m["name"] for m in municipality_choices()[0]}


def parse_municipality(raw: str) -> tuple[bool, int | None]:
    """(valid, id): ``kl`` means no municipality."""
    raw = raw.strip().lower()
    if raw == KL_CHOICE:
        return True, None
    mid = try_parse_int(raw, "municipality", minimum=1, maximum=9999)
    return mid is not None, mid


def visible_history(history: dict, rounds: list[dict]) -> dict:
    """Only years of rounds a municipality may see (never a draft), and the steps between them."""
    states = {r["year"]: r["state"] for r in rounds}
    years = [y for y in history["years"] if states.get(y) in ("open", "closed")]
    return {
        **history,
        "years": years,
        "states": {y: states[y] for y in years},
        "comparisons": [
            c for c in history["comparisons"] if c["from_year"] in years and c["to_year"] in years
        ],
    }
