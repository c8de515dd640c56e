"""A unit against the rest of its organisation: the comparison a unit's management sees.

Pure: no nameko, no database. Input is one municipality's scores as scoring hands them out
(``get_scores``); the gateway's benchmark pages and the unit report both show it, so it is
shared code that reads scoring's result rather than a scoring rule. The rest of the
organisation is every other unit of the same municipality; its figure per area is the plain
mean of those units' area scores (each unit counts once), so a large department does not drown
the others, as with the municipality's own roll-up of unit questions. This stays inside one
municipality, so no disclosure control applies.
"""

from __future__ import annotations

from services.common.questionnaire import acceptable_level


def unit_versus_rest(result: dict, unit_id: int, questionnaire: dict | None = None) -> dict:
    """Per area and overall: the unit's score, the rest's mean and how many units it rests on."""
    units = result.get("units", [])
    unit = next((u for u in units if u["id"] == unit_id), None)
    if unit is None:
        raise KeyError(unit_id)
    others = [u for u in units if u["id"] != unit_id]
    acceptable = acceptable_level(questionnaire)
    areas = []
    for area in unit["areas"]:
        scores = [
            a["score"]
            for other in others
            for a in other["areas"]
            if a["key"] == area["key"] and a["score"] is not None
        ]
        areas.append(_row(area["key"], area["score"], scores, acceptable))
    overall = [u["overall"] for u in others if u["overall"] is not None]
    return {
        "unit_id": unit_id,
        "year": result.get("year"),
        "acceptable_level": acceptable,
        "overall": _row(None, unit["overall"], overall, acceptable),
        "areas": areas,
    }


def _row(key: str | None, own: float | None, others: list[float], acceptable: float) -> dict:
    rest = sum(others) / len(others) if others else None
    return {
        "key": key,
        "unit": own,
        "rest": rest,
        "rest_units": len(others),
        "difference": own - rest if own is not None and rest is not None else None,
        "below_acceptable": own is not None and own < acceptable,
    }
