"""Which questions a delegation covers, and who may hand them out.

A delegation is for one target: the municipality as a whole (unit_id None, its
municipality-wide questions) or one unit (its unit-scoped questions). Its questions are one,
a set, a focus area, or every unit-scoped question of the unit; they are resolved against the
round's questionnaire when the delegation is made, so the link's scope never grows afterwards.
"""

from __future__ import annotations

from services.common.questionnaire import questions_by_key
from services.common.unit_tree import subtree_ids

KINDS = ("question", "questions", "area", "unit")


class ScopeInvalid(ValueError):
    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class ScopeForbidden(ValueError):
    """The actor may not delegate for this target (a unit lead outside their own units)."""


def resolve_questions(
    questionnaire: dict,
    unit_id: int | None,
    kind: str,
    question_keys: list[str] | None = None,
    area_key: str | None = None,
) -> list[str]:
    """The question keys the delegation covers, in questionnaire order; raise naming the field."""
    if kind not in KINDS:
        raise ScopeInvalid("kind", f"must be one of {', '.join(KINDS)}")
    scope = "municipality" if unit_id is None else "unit"
    ordered = [q for area in questionnaire["areas"] for q in area["questions"]]
    if kind == "unit":
        if unit_id is None:
            raise ScopeInvalid("unit_id", "choose the unit whose questions are delegated")
        keys = [q["key"] for q in ordered if q["scope"] == "unit"]
    elif kind == "area":
        areas = {a["key"]: a for a in questionnaire["areas"]}
        if area_key not in areas:
            raise ScopeInvalid("area_key", f"unknown focus area {area_key!r}")
        keys = [q["key"] for q in areas[area_key]["questions"] if q["scope"] == scope]
        if not keys:
            raise ScopeInvalid("area_key", f"the area has no {scope}-level questions")
    else:
        wanted = list(dict.fromkeys(question_keys or []))
        if not wanted:
            raise ScopeInvalid("question_keys", "choose at least one question")
        if kind == "question" and len(wanted) != 1:
            raise ScopeInvalid("question_keys", "a single-question delegation has one question")
        known = questions_by_key(questionnaire)
        for index, key in enumerate(wanted):
            question = known.get(key)
            if question is None:
                raise ScopeInvalid(f"question_keys[{index}]", f"unknown question {key!r}")
            if question["scope"] != scope:
                where = "for a unit" if question["scope"] == "unit" else "for the municipality"
                raise ScopeInvalid(f"question_keys[{index}]", f"{key} is answered {where}")
        keys = [q["key"] for q in ordered if q["key"] in set(wanted)]
    if not keys:
        raise ScopeInvalid("kind", "there are no questions to delegate")
    return keys


def manageable_unit_ids(actor: dict, units: list[dict]) -> set[int] | None:
    """Units whose delegations the actor manages; None means all, including municipality-wide."""
    if actor.get("role") == "coordinator":
        return None
    if actor.get("role") == "unit_lead" and actor.get("unit_id") is not None:
        known = {u["id"] for u in units}
        if actor["unit_id"] in known:
            return subtree_ids(actor["unit_id"], units) & known
    return set()


def check_may_manage(actor: dict, unit_id: int | None, units: list[dict]) -> None:
    allowed = manageable_unit_ids(actor, units)
    if allowed is None:
        return
    if unit_id is None or unit_id not in allowed:
        raise ScopeForbidden("you can only delegate questions of your own unit and those below it")


def check_answers_in_scope(
    answers: list[dict], question_keys: list[str], unit_id: int | None
) -> list[dict]:
    """A delegate's batch, limited to the delegated questions and the delegation's unit."""
    allowed = set(question_keys)
    checked = []
    for index, raw in enumerate(answers):
        if not isinstance(raw, dict):
            raise ScopeInvalid(f"answers[{index}]", "must be an object")
        if raw.get("question_key") not in allowed:
            raise ScopeInvalid(
                f"answers[{index}].question_key", "this question is not part of the delegation"
            )
        if "unit_id" in raw and raw["unit_id"] != unit_id:
            raise ScopeInvalid(f"answers[{index}].unit_id", "the delegation is for another unit")
        checked.append({**raw, "unit_id": unit_id})
    return checked
