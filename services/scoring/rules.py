"""How answers become scores: the pure scoring rules of the baseline.

In plain words:

* Every scored answer becomes a number from 1 (weak) to 5 (strong), 3 being acceptable, by the
  per-answer rules in ``services/common/answer_score.py`` (shared: the reports and the
  gateway's "below acceptable" filter show the same score for the same answer).

* "Not applicable" (N/A) is left out of every score but counts as answered. An unanswered
  question lowers completeness, never the score.

* A unit's area score is the weighted average (question weights) of that unit's scored answers
  to the unit questions of the area.

* For the whole municipality a unit question first gets one score: the plain average over the
  units that gave it a score. The municipality's area score is then the weighted average of
  every question in the area that has a score (municipality questions and these unit averages).

* The overall index is the plain average of the area scores that exist: each area counts
  equally, whatever its number of questions, as in KL's baseline.

* A score that rests on nothing is "none" (``None``), never 0, so that "not answered yet" cannot
  be mistaken for "very weak".

* Completeness = answered / expected. The municipality expects one answer per municipality
  question plus one per unit question and unit; a unit expects one per unit question. When
  nothing is expected completeness is ``None``.

* Each question also gets the municipality's score on its own (``question_scores``): the answer
  for a municipality question, the plain average over the units for a unit question, exactly the
  numbers the area score is built from. Benchmarks compare municipalities question by question
  with these, and history follows a question across years by its key.

* A score below the acceptable level (3.0, or the questionnaire's ``acceptable_level``) is
  flagged, and its question's recommendation is offered, most urgent first: the gap to the
  acceptable level times the question's weight.

Nothing here rounds: rounding is for presentation. Values that do not fit their question (an
unknown option, a level outside 1..5) raise ``ValueError``, because a wrong score is worse than
none.
"""

from __future__ import annotations

from collections.abc import Iterable

from services.common.answer_score import is_answered, score_answer
from services.common.questionnaire import acceptable_level, questions_by_key

_MUNICIPALITY = "municipality"
_UNIT = "unit"

AnswerKey = tuple[str, int | None]


def compute_scores(questionnaire: dict, unit_ids: list[int], answers: list[dict]) -> dict:
    """Project one municipality's answers into its scores for the round.

    Stray answers (unknown question, unit not in ``unit_ids``, wrong scope for the question)
    are ignored so that the projection survives anything the event stream throws at it; a
    value that does not fit its question raises ValueError. Areas follow the questionnaire's
    order and units the order of ``unit_ids`` (duplicates dropped).
    """
    acceptable = acceptable_level(questionnaire)
    units = list(dict.fromkeys(unit_ids))
    questions = questions_by_key(questionnaire)
    current = _current_answers(questions, answers, set(units))
    scores = {slot: score_answer(questions[slot[0]], answer) for slot, answer in current.items()}

    areas = []
    unit_areas: dict[int, list[dict]] = {unit: [] for unit in units}
    for area in questionnaire["areas"]:
        scored: list[tuple[float, float]] = []
        answered = expected = 0
        for question in area["questions"]:
            slots = _slots(question, units)
            expected += len(slots)
            answered += sum(is_answered(current.get(slot)) for slot in slots)
            score = _question_score(question, scores, units)
            if score is not None:
                scored.append((score, _weight(question)))
        areas.append(_area(area["key"], _weighted_mean(scored), answered, expected, acceptable))

        unit_questions = [q for q in area["questions"] if _scope(q) == _UNIT]
        for unit in units:
            slots = [((q["key"], unit), _weight(q)) for q in unit_questions]
            unit_scored = [(scores[s], w) for s, w in slots if scores.get(s) is not None]
            unit_answered = sum(is_answered(current.get(s)) for s, _ in slots)
            unit_areas[unit].append(
                _area(
                    area["key"],
                    _weighted_mean(unit_scored),
                    unit_answered,
                    len(slots),
                    acceptable,
                )
            )

    return {
        "year": questionnaire.get("year"),
        "overall": _overall(areas),
        "completeness": _completeness(areas),
        "acceptable_level": acceptable,
        "areas": areas,
        "units": [
            {
                "id": unit,
                "overall": _overall(unit_areas[unit]),
                "completeness": _completeness(unit_areas[unit]),
                "areas": unit_areas[unit],
            }
            for unit in units
        ],
    }


def question_scores(questionnaire: dict, unit_ids: list[int], answers: list[dict]) -> list[dict]:
    """The municipality's score per question, in questionnaire order.

    The same numbers ``compute_scores`` averages into area scores (a unit question's score is
    the plain mean over the units that answered it), so a benchmark per question and per area
    rest on one definition. ``score`` is None for unanswered, N/A and unscored questions.
    """
    acceptable = acceptable_level(questionnaire)
    units = list(dict.fromkeys(unit_ids))
    questions = questions_by_key(questionnaire)
    current = _current_answers(questions, answers, set(units))
    scores = {slot: score_answer(questions[slot[0]], answer) for slot, answer in current.items()}
    found = []
    for area in questionnaire["areas"]:
        for question in area["questions"]:
            score = _question_score(question, scores, units)
            found.append(
                {
                    "key": question["key"],
                    "area_key": area["key"],
                    "score": score,
                    "below_acceptable": score is not None and score < acceptable,
                }
            )
    return found


def recommendations(
    questionnaire: dict, answers: list[dict], unit_id: int | None = None
) -> list[dict]:
    """The questions below the acceptable level, most urgent first.

    Urgency is (acceptable level - score) x weight, so a heavy question a little below the
    line can outrank a light one far below it; ties keep questionnaire order. With ``unit_id``
    None the municipality-level question scores are used (unit questions averaged over every
    unit that answered them); with a unit id, only that unit's answers to unit questions.
    """
    acceptable = acceptable_level(questionnaire)
    questions = questions_by_key(questionnaire)
    current = _current_answers(questions, answers, None if unit_id is None else {unit_id})
    scores = {slot: score_answer(questions[slot[0]], answer) for slot, answer in current.items()}
    if unit_id is None:
        units = sorted({unit for _, unit in current if unit is not None})
    else:
        units = [unit_id]

    found = []
    for area in questionnaire["areas"]:
        for question in area["questions"]:
            if unit_id is not None and _scope(question) != _UNIT:
                continue
            score = _question_score(question, scores, units)
            if score is None or score >= acceptable:
                continue
            weight = _weight(question)
            found.append(
                {
                    "question_key": question["key"],
                    "area_key": area["key"],
                    "score": score,
                    "weight": weight,
                    "gap": acceptable - score,
                    "recommendation": question.get("recommendation"),
                }
            )
    found.sort(key=lambda item: item["gap"] * item["weight"], reverse=True)
    return found


def _scope(question: dict) -> str:
    scope = question.get("scope")
    if scope not in (_MUNICIPALITY, _UNIT):
        raise ValueError(f"{question.get('key', '?')}: unknown scope {scope!r}")
    return scope


def _weight(question: dict) -> float:
    return float(question.get("weight", 1))


def _slots(question: dict, units: list[int]) -> list[AnswerKey]:
    """The (question, unit) answers a question expects: one, or one per unit."""
    if _scope(question) == _MUNICIPALITY:
        return [(question["key"], None)]
    return [(question["key"], unit) for unit in units]


def _question_score(
    question: dict, scores: dict[AnswerKey, float | None], units: list[int]
) -> float | None:
    """A question's score for the municipality: its answer, or the plain mean over the units."""
    return _mean(
        [s for s in (scores.get(slot) for slot in _slots(question, units)) if s is not None]
    )


def _current_answers(
    questions: dict[str, dict], answers: Iterable[dict], units: set[int] | None
) -> dict[AnswerKey, dict]:
    """Keep the answers that fit the questionnaire, one per (question, unit).

    ``units`` None accepts any unit. Of two answers to the same slot the higher ``revision``
    wins whatever their order; two different answers with the same revision are contradictory
    and raise ValueError rather than letting list order decide.
    """
    current: dict[AnswerKey, dict] = {}
    for answer in answers:
        question = questions.get(answer.get("question_key"))
        if question is None:
            continue
        unit = answer.get("unit_id")
        if _scope(question) == _MUNICIPALITY:
            if unit is not None:
                continue
        elif unit is None or (units is not None and unit not in units):
            continue
        slot = (question["key"], unit)
        held = current.get(slot)
        if held is None:
            current[slot] = answer
            continue
        held_revision, revision = held.get("revision") or 0, answer.get("revision") or 0
        if revision > held_revision:
            current[slot] = answer
        elif revision == held_revision and _content(answer) != _content(held):
            raise ValueError(
                f"{slot[0]}: conflicting answers for unit {unit!r} with revision {revision}"
            )
    return current


def _content(answer: dict) -> tuple:
    return (bool(answer.get("na")), answer.get("value"))


def _mean(values: list[float]) -> float | None:
    if not values:
        return None
    return _within(sum(values) / len(values), values)


def _weighted_mean(scored: list[tuple[float, float]]) -> float | None:
    total_weight = sum(weight for _, weight in scored)
    if not scored or total_weight <= 0:
        return None
    mean = sum(score * weight for score, weight in scored) / total_weight
    return _within(mean, [score for score, _ in scored])


def _within(mean: float, values: list[float]) -> float:
    """Keep a mean inside its values: float rounding must not make a mean of 5s exceed 5."""
    return min(max(mean, min(values)), max(values))


def _area(key: str, score: float | None, answered: int, expected: int, acceptable: float) -> dict:
    return {
        "key": key,
        "score": score,
        "completeness": answered / expected if expected else None,
        "answered": answered,
        "expected": expected,
        "below_acceptable": score is not None and score < acceptable,
    }


def _overall(areas: list[dict]) -> float | None:
    return _mean([area["score"] for area in areas if area["score"] is not None])


def _completeness(areas: list[dict]) -> float | None:
    expected = sum(area["expected"] for area in areas)
    return sum(area["answered"] for area in areas) / expected if expected else None
