"""How one answer becomes a score from 1 (weak) to 5 (strong), 3 being acceptable.

Scoring aggregates these scores (``services/scoring/rules.py``); the municipal report shows the
score of each answer and the gateway's answering page filters the answers below the acceptable
level. All three use this one rule, so an answer never scores differently in two places.

In plain words, per question type:

* maturity: the chosen level (1..5);
* yes / partly / no: 5 / 3 / 1;
* single choice: the score written next to the chosen option;
* multiple choice: 1 + 4 x (points of the ticked options / points of all options), so ticking
  nothing gives 1 and ticking everything gives 5; a question whose options are all worth
  0 points cannot be scored;
* number: the score of the band with the highest minimum that the number reaches; a number
  below the lowest band's minimum scores 1; a number question without bands is not scored;
* text: never scored.
* "Not applicable" (N/A), an empty value and a text answer have no score (``None``); N/A and
  any value count as answered.

A value that does not fit its question (an unknown option, a level outside 1..5) raises
``ValueError`` naming the question, because a wrong score is worse than none.

Pure module: the standard library only.
"""

from __future__ import annotations

import math

YES_PARTLY_NO_SCORES = {"yes": 5.0, "partly": 3.0, "no": 1.0}
BELOW_FIRST_BAND_SCORE = 1.0


def is_answered(answer: dict | None) -> bool:
    """Whether an answer counts towards completeness: N/A counts, an empty value does not."""
    if answer is None:
        return False
    return bool(answer.get("na")) or answer.get("value") is not None


def score_answer(question: dict, answer: dict | None) -> float | None:
    """Score one answer 1..5, or None when there is nothing to score.

    None for unanswered, N/A, text and number questions without bands. A value that does not
    fit the question raises ValueError naming the question, so garbage never becomes a score.
    """
    if answer is None or answer.get("na"):
        return None
    value = answer.get("value")
    if value is None:
        return None
    key = question.get("key", "?")
    qtype = question.get("type")
    if qtype == "maturity":
        return _score_maturity(key, value)
    if qtype == "yes_partly_no":
        return _score_yes_partly_no(key, value)
    if qtype == "single_choice":
        return _score_single_choice(key, question, value)
    if qtype == "multiple_choice":
        return _score_multiple_choice(key, question, value)
    if qtype == "number":
        return _score_number(key, question, value)
    if qtype == "text":
        if not isinstance(value, str):
            raise ValueError(f"{key}: a text answer must be a string, got {value!r}")
        return None
    raise ValueError(f"{key}: unknown question type {qtype!r}")


def _score_maturity(key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValueError(f"{key}: maturity level must be an integer 1..5, got {value!r}")
    return float(value)


def _score_yes_partly_no(key: str, value: object) -> float:
    if not isinstance(value, str) or value not in YES_PARTLY_NO_SCORES:
        raise ValueError(f"{key}: answer must be 'yes', 'partly' or 'no', got {value!r}")
    return YES_PARTLY_NO_SCORES[value]


def _options(key: str, question: dict) -> dict[str, dict]:
    options = question.get("options") or []
    if not options:
        raise ValueError(f"{key}: question has no options")
    return {option["key"]: option for option in options}


def _score_single_choice(key: str, question: dict, value: object) -> float:
    options = _options(key, question)
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{key}: unknown option {value!r}")
    return float(options[value]["score"])


def _score_multiple_choice(key: str, question: dict, value: object) -> float | None:
    options = _options(key, question)
    if not isinstance(value, list):
        raise ValueError(f"{key}: a multiple-choice answer must be a list, got {value!r}")
    unknown = [item for item in value if not isinstance(item, str) or item not in options]
    if unknown:
        raise ValueError(f"{key}: unknown option(s) {unknown!r}")
    if len(set(value)) != len(value):
        raise ValueError(f"{key}: options must be distinct, got {value!r}")
    # Both sums run in option order, so ticking everything gives exactly 5 whatever the order
    # of the ticked keys.
    points = {option_key: float(option.get("points", 0)) for option_key, option in options.items()}
    total = sum(points.values())
    if total <= 0:
        return None
    selected = sum(p for option_key, p in points.items() if option_key in value)
    return 1.0 + 4.0 * selected / total


def _score_number(key: str, question: dict, value: object) -> float | None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
    ):
        raise ValueError(f"{key}: a number answer must be a finite number >= 0, got {value!r}")
    bands = question.get("bands")
    if not bands:
        return None
    reached = [band for band in bands if band["min"] <= value]
    if not reached:
        return BELOW_FIRST_BAND_SCORE
    return float(max(reached, key=lambda band: band["min"])["score"])
