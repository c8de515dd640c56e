"""What changed between two years' questionnaires, to judge how comparable trends are.

Survey, scoring and benchmark all compare normalised questionnaires (the dict
``services/survey/questionnaire_format.py`` produces and events carry), so the comparison is
shared code rather than one service's module.

Pure module: the standard library only.
"""

from __future__ import annotations


def _danish(text: dict) -> str:
    return " ".join(text["da"].split())


def compare_versions(old: dict, new: dict) -> dict:
    """What changed between two normalised questionnaires, to judge how comparable trends are.

    ``reworded`` keys kept their key but changed the Danish text; ``retyped`` / ``rescoped``
    changed type or scope, which makes their scores incomparable. Per area, ``share`` is the
    shared questions divided by all questions of the area in either year (1.0 = identical set,
    0.0 = nothing in common); areas in only one of the two years have share 0.0.
    """
    old_questions = {q["key"]: q for area in old["areas"] for q in area["questions"]}
    new_questions = {q["key"]: q for area in new["areas"] for q in area["questions"]}
    shared = [key for key in new_questions if key in old_questions]

    area_keys = [area["key"] for area in new["areas"]]
    area_keys += [area["key"] for area in old["areas"] if area["key"] not in area_keys]
    areas = []
    for area_key in area_keys:
        old_keys = {k for k, q in old_questions.items() if q["area_key"] == area_key}
        new_keys = {k for k, q in new_questions.items() if q["area_key"] == area_key}
        union = old_keys | new_keys
        common = old_keys & new_keys
        areas.append(
            {
                "key": area_key,
                "old_questions": len(old_keys),
                "new_questions": len(new_keys),
                "shared": len(common),
                "share": round(len(common) / len(union), 4) if union else 0.0,
            }
        )
    return {
        "old": {"year": old["year"], "version": old["version"]},
        "new": {"year": new["year"], "version": new["version"]},
        "added": [key for key in new_questions if key not in old_questions],
        "removed": [key for key in old_questions if key not in new_questions],
        "reworded": [
            key
            for key in shared
            if _danish(old_questions[key]["text"]) != _danish(new_questions[key]["text"])
        ],
        "retyped": [
            key for key in shared if old_questions[key]["type"] != new_questions[key]["type"]
        ],
        "rescoped": [
            key for key in shared if old_questions[key]["scope"] != new_questions[key]["scope"]
        ],
        "areas": areas,
    }
