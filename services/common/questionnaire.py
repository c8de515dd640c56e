"""Reading a normalised questionnaire: the one place every service and the gateway share.

The normalised questionnaire is the dict ``services/survey/questionnaire_format.py`` produces
and events and RPC answers carry. What several parts need from it lives here, once:

* ``questions_by_key``: every question by its key, across areas.
* ``acceptable_level``: the questionnaire's acceptable level, or 3.0 when it names none; the
  line below which a score is flagged and a recommendation offered.
* ``compare_versions``: what changed between two years' questionnaires, so trends can say how
  comparable they are (survey's import report, scoring's history, benchmark's development).
* The answer limits (``MAX_TEXT``, ``MAX_NOTE``, ``MAX_NUMBER``, ``MAX_BATCH``) that the
  gateway checks to point at the field early and survey enforces as the owner of answers;
  one definition, so the two can never disagree about what is too long.

Pure module: the standard library only.
"""

from __future__ import annotations

ACCEPTABLE_LEVEL = 3.0

MAX_TEXT = 5000
"""Characters in a text answer."""
MAX_NOTE = 2000
"""Characters in an answer's justification or comment."""
MAX_NUMBER = 1e9
"""Largest value of a number answer (the smallest is 0)."""
MAX_BATCH = 500
"""Answers saved in one call."""


def questions_by_key(questionnaire: dict) -> dict[str, dict]:
    """Every question of the questionnaire by its key, in questionnaire order."""
    return {q["key"]: q for area in questionnaire["areas"] for q in area["questions"]}


def acceptable_level(questionnaire: dict | None) -> float:
    """The questionnaire's acceptable level, or ACCEPTABLE_LEVEL when it names none.

    ``None`` (no questionnaire at hand) also gives the default, so callers never write their
    own fallback.
    """
    level = (questionnaire or {}).get("acceptable_level")
    return ACCEPTABLE_LEVEL if level is None else float(level)


def _danish(text: dict) -> str:
    return " ".join(text["da"].split())


def compare_versions(old: dict, new: dict) -> dict:
    """What changed between two normalised questionnaires, to judge how comparable trends are.

    ``reworded`` keys kept their key but changed the Danish text; ``retyped`` / ``rescoped``
    changed type or scope, which makes their scores incomparable. Per area, ``share`` is the
    shared questions divided by all questions of the area in either year (1.0 = identical set,
    0.0 = nothing in common); areas in only one of the two years have share 0.0.
    """
    old_questions = questions_by_key(old)
    new_questions = questions_by_key(new)
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
