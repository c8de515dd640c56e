"""Rules for answers: what a valid value is per question type, and what counts as a change.

Plain Python so the rules are tested without a broker. A batch is all or nothing: the first
problem found is reported with the path of the offending field (``answers[3].value``) and
nothing of the batch is saved.
"""

from __future__ import annotations

import math
from typing import Any

from services.common.questionnaire import MAX_NOTE, MAX_NUMBER, MAX_TEXT, questions_by_key

YES_PARTLY_NO = ("yes", "partly", "no")
ANSWER_FIELDS = ("value", "na", "justification", "comment")


class AnswerInvalid(ValueError):
    """One answer breaks a rule; ``field`` is the path the caller can point the user to."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def check_value(question: dict, value: Any, field: str) -> Any:
    """Return the value in its stored form, or raise naming what is wrong with it."""
    kind = question["type"]
    if kind == "maturity":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise AnswerInvalid(
                field, f"a maturity level must be a whole number 1-5, not {value!r}"
            )
        return value
    if kind == "yes_partly_no":
        if value not in YES_PARTLY_NO:
            raise AnswerInvalid(field, f"must be one of yes, partly, no, not {value!r}")
        return value
    option_keys = [o["key"] for o in question.get("options") or []]
    if kind == "single_choice":
        if not isinstance(value, str) or value not in option_keys:
            raise AnswerInvalid(field, f"must be one of {', '.join(option_keys)}, not {value!r}")
        return value
    if kind == "multiple_choice":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise AnswerInvalid(field, "must be a list of option keys")
        unknown = [v for v in value if v not in option_keys]
        if unknown:
            raise AnswerInvalid(field, f"unknown option {unknown[0]!r}")
        if len(set(value)) != len(value):
            raise AnswerInvalid(field, "an option is chosen twice")
        return [k for k in option_keys if k in value]
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise AnswerInvalid(field, f"must be a number, not {value!r}")
        if not math.isfinite(value) or not 0 <= value <= MAX_NUMBER:
            raise AnswerInvalid(field, f"must be between 0 and {MAX_NUMBER:.0f}")
        return value
    if kind == "text":
        if not isinstance(value, str):
            raise AnswerInvalid(field, "must be text")
        if len(value) > MAX_TEXT:
            raise AnswerInvalid(field, f"is longer than {MAX_TEXT} characters")
        return value.strip()
    raise AnswerInvalid(field, f"question type {kind!r} is not supported")


def _note(raw: dict, name: str, field: str) -> str | None:
    note = raw.get(name)
    if note is None:
        return None
    if not isinstance(note, str):
        raise AnswerInvalid(f"{field}.{name}", "must be text")
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise AnswerInvalid(f"{field}.{name}", f"is longer than {MAX_NOTE} characters")
    return note or None


def check_answer(question: dict, raw: dict, unit_ids: set[int], field: str) -> dict:
    """Validate one answer against its question and the municipality's units."""
    unit_id = raw.get("unit_id")
    if question["scope"] == "unit":
        if unit_id is None:
            raise AnswerInvalid(f"{field}.unit_id", "this question is answered per unit")
        if unit_id not in unit_ids:
            raise AnswerInvalid(f"{field}.unit_id", f"unknown unit {unit_id}")
    elif unit_id is not None:
        raise AnswerInvalid(f"{field}.unit_id", "this question is answered for the municipality")
    na = raw.get("na", False)
    if not isinstance(na, bool):
        raise AnswerInvalid(f"{field}.na", "must be true or false")
    justification = _note(raw, "justification", field)
    comment = _note(raw, "comment", field)
    value = raw.get("value")
    if na:
        if not question.get("na_allowed"):
            raise AnswerInvalid(f"{field}.na", "this question cannot be answered not applicable")
        if value is not None:
            raise AnswerInvalid(f"{field}.value", "must be empty when the answer is N/A")
        if not justification:
            raise AnswerInvalid(f"{field}.justification", "N/A needs a justification")
    elif value is not None:
        value = check_value(question, value, f"{field}.value")
    return {
        "question_key": question["key"],
        "unit_id": unit_id,
        "value": value,
        "na": na,
        "justification": justification,
        "comment": comment,
    }


def check_batch(questionnaire: dict, unit_ids: set[int], answers: list[dict]) -> list[dict]:
    """Validate a whole batch; any problem rejects all of it."""
    questions = questions_by_key(questionnaire)
    seen: set[tuple[str, int | None]] = set()
    checked = []
    for i, raw in enumerate(answers):
        field = f"answers[{i}]"
        if not isinstance(raw, dict):
            raise AnswerInvalid(field, "must be an object")
        key = raw.get("question_key")
        question = questions.get(key) if isinstance(key, str) else None
        if question is None:
            raise AnswerInvalid(f"{field}.question_key", f"unknown question {key!r}")
        answer = check_answer(question, raw, unit_ids, field)
        identity = (answer["question_key"], answer["unit_id"])
        if identity in seen:
            raise AnswerInvalid(field, "the same question and unit appear twice in the batch")
        seen.add(identity)
        checked.append(answer)
    return checked


def snapshot(answer: Any) -> dict:
    """The part of an answer that history records and that decides whether it changed."""
    if isinstance(answer, dict):
        return {name: answer.get(name) for name in ANSWER_FIELDS}
    return {name: getattr(answer, name) for name in ANSWER_FIELDS}


def is_change(existing: Any, new: dict) -> bool:
    return existing is None or snapshot(existing) != snapshot(new)


def progress(questionnaire: dict, unit_ids: list[int], answers: list[dict]) -> dict:
    """Answered versus expected per area, per unit and for the municipality.

    An answer counts when it has a value or is N/A; drafts copied from last year count too
    (they are real answers until someone changes them).
    """
    answered = {
        (a["question_key"], a["unit_id"])
        for a in answers
        if a.get("na") or a.get("value") is not None
    }
    areas = []
    units = {u: {"id": u, "answered": 0, "expected": 0, "areas": []} for u in unit_ids}
    total_answered = total_expected = 0
    for area in questionnaire["areas"]:
        area_answered = area_expected = 0
        per_unit = {u: [0, 0] for u in unit_ids}
        for q in area["questions"]:
            if q["scope"] == "municipality":
                area_expected += 1
                area_answered += (q["key"], None) in answered
            else:
                for u in unit_ids:
                    hit = (q["key"], u) in answered
                    per_unit[u][0] += hit
                    per_unit[u][1] += 1
                    area_answered += hit
                    area_expected += 1
        for u, (done, expected) in per_unit.items():
            units[u]["answered"] += done
            units[u]["expected"] += expected
            units[u]["areas"].append({"key": area["key"], "answered": done, "expected": expected})
        areas.append({"key": area["key"], "answered": area_answered, "expected": area_expected})
        total_answered += area_answered
        total_expected += area_expected
    return {
        "municipality": {"answered": total_answered, "expected": total_expected},
        "areas": areas,
        "units": list(units.values()),
    }
