"""A municipality's development over the years, across questionnaire versions.

Questions and focus areas are matched by their stable keys. The questionnaire changes a little
every year, so a change in an area's score can come from changed questions as much as from
better security. Every step from one year to the next therefore carries the share of questions
the two years have in common (``compare_versions``): 1.0 is the same set of questions, 0.75
means a quarter of the questions behind the area was added or removed. Pages mark a step below
1.0 so that nobody reads a questionnaire change as progress.

Pure: no nameko, no database. Input is one entry per year in which the municipality answered:
``{"year", "questionnaire" (normalised), "result" (compute_scores + "questions")}``.
"""

from __future__ import annotations

from services.common.questionnaire import compare_versions, questions_by_key


def build_history(entries: list[dict]) -> dict:
    """Years, overall, areas, questions and units side by side, oldest year first."""
    entries = sorted(entries, key=lambda entry: entry["year"])
    comparisons = [
        comparison(old["questionnaire"], new["questionnaire"])
        for old, new in zip(entries, entries[1:], strict=False)
    ]
    step_to = {c["to_year"]: c for c in comparisons}
    return {
        "years": [entry["year"] for entry in entries],
        "overall": [
            {
                "year": entry["year"],
                "score": entry["result"].get("overall"),
                "completeness": entry["result"].get("completeness"),
                "comparable_share": _share(step_to.get(entry["year"])),
            }
            for entry in entries
        ],
        "areas": _areas(entries, step_to),
        "questions": _questions(entries),
        "units": _units(entries),
        "comparisons": comparisons,
    }


def comparison(old: dict, new: dict) -> dict:
    """One year-to-year step: what changed and how much of the questionnaire is shared."""
    changes = compare_versions(old, new)
    new_count = sum(len(area["questions"]) for area in new["areas"])
    shared = new_count - len(changes["added"])
    union = new_count + len(changes["removed"])
    return {
        "from_year": old["year"],
        "to_year": new["year"],
        "share": round(shared / union, 4) if union else 0.0,
        "added": changes["added"],
        "removed": changes["removed"],
        "reworded": changes["reworded"],
        "areas": changes["areas"],
    }


def _share(step: dict | None, area_key: str | None = None) -> float | None:
    if step is None:
        return None
    if area_key is None:
        return step["share"]
    return next((a["share"] for a in step["areas"] if a["key"] == area_key), 0.0)


def _ordered_areas(entries: list[dict]) -> list[tuple[str, dict]]:
    """Area keys, newest questionnaire's order first, with the newest title of each."""
    found: dict[str, dict] = {}
    for entry in reversed(entries):
        for area in entry["questionnaire"]["areas"]:
            found.setdefault(area["key"], area["title"])
    return list(found.items())


def _areas(entries: list[dict], step_to: dict[int, dict]) -> list[dict]:
    rows = []
    for key, title in _ordered_areas(entries):
        points = []
        for entry in entries:
            scored = {a["key"]: a for a in entry["result"].get("areas", [])}
            in_year = any(a["key"] == key for a in entry["questionnaire"]["areas"])
            area = scored.get(key, {})
            points.append(
                {
                    "year": entry["year"],
                    "score": area.get("score") if in_year else None,
                    "completeness": area.get("completeness") if in_year else None,
                    "in_questionnaire": in_year,
                    "comparable_share": _share(step_to.get(entry["year"]), key),
                }
            )
        rows.append({"key": key, "title": title, "points": points})
    return rows


def _questions(entries: list[dict]) -> list[dict]:
    latest: dict[str, dict] = {}
    for entry in reversed(entries):
        for area in entry["questionnaire"]["areas"]:
            for question in area["questions"]:
                latest.setdefault(question["key"], question)
    order = [
        q["key"]
        for entry in reversed(entries)
        for area in entry["questionnaire"]["areas"]
        for q in area["questions"]
    ]
    rows = []
    for key in dict.fromkeys(order):
        question = latest[key]
        points = []
        for entry in entries:
            keys = questions_by_key(entry["questionnaire"])
            scored = {q["key"]: q.get("score") for q in entry["result"].get("questions", [])}
            points.append(
                {"year": entry["year"], "score": scored.get(key), "in_questionnaire": key in keys}
            )
        rows.append(
            {
                "key": key,
                "area_key": question["area_key"],
                "text": question["text"],
                "type": question["type"],
                "scope": question["scope"],
                "points": points,
            }
        )
    return rows


def _units(entries: list[dict]) -> list[dict]:
    unit_ids: list[int] = []
    for entry in entries:
        unit_ids += [u["id"] for u in entry["result"].get("units", [])]
    rows = []
    for unit_id in dict.fromkeys(unit_ids):
        points = []
        for entry in entries:
            unit = next((u for u in entry["result"].get("units", []) if u["id"] == unit_id), None)
            points.append(
                {
                    "year": entry["year"],
                    "overall": unit["overall"] if unit else None,
                    "completeness": unit["completeness"] if unit else None,
                    "areas": {a["key"]: a["score"] for a in unit["areas"]} if unit else {},
                }
            )
        rows.append({"id": unit_id, "points": points})
    return rows
