"""Scoring rules against hand-computed expectations, plus properties over random answers."""

from __future__ import annotations

import copy
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.common.answer_score import is_answered, score_answer
from services.common.questionnaire import ACCEPTABLE_LEVEL
from services.scoring.rules import compute_scores, recommendations

UNITS = [10, 20, 30]


def _q(key: str, qtype: str, scope: str, weight: float = 1, **extra: object) -> dict:
    question = {
        "key": key,
        "area_key": key.split(".")[0],
        "type": qtype,
        "scope": scope,
        "weight": weight,
        "text": {"da": key, "en": key},
        "help": {"da": "", "en": ""},
        "na_allowed": True,
        "levels": None,
        "options": None,
        "bands": None,
        "unit_label": None,
        "references": {},
        "recommendation": {"da": f"Forbedr {key}", "en": f"Improve {key}"},
    }
    question.update(extra)
    return question


QUESTIONNAIRE = {
    "key": "informationssikkerhed",
    "year": 2026,
    "version": "2026.1",
    "acceptable_level": 3,
    "title": {"da": "Test", "en": "Test"},
    "description": {"da": "", "en": ""},
    "areas": [
        {
            "key": "governance",
            "title": {"da": "Ledelse", "en": "Governance"},
            "description": {"da": "", "en": ""},
            "questions": [
                _q(
                    "governance.policy",
                    "maturity",
                    "municipality",
                    2,
                    levels={str(n): {"da": str(n), "en": str(n)} for n in range(1, 6)},
                ),
                _q("governance.roles", "yes_partly_no", "municipality", 1),
                _q("governance.notes", "text", "municipality", 1),
            ],
        },
        {
            "key": "operations",
            "title": {"da": "Drift", "en": "Operations"},
            "description": {"da": "", "en": ""},
            "questions": [
                _q(
                    "operations.backup",
                    "single_choice",
                    "unit",
                    3,
                    options=[
                        {"key": "daily", "label": {"da": "", "en": ""}, "score": 5},
                        {"key": "weekly", "label": {"da": "", "en": ""}, "score": 3},
                        {"key": "never", "label": {"da": "", "en": ""}, "score": 1},
                    ],
                ),
                _q(
                    "operations.controls",
                    "multiple_choice",
                    "unit",
                    1,
                    options=[
                        {"key": "mfa", "label": {"da": "", "en": ""}, "points": 2},
                        {"key": "edr", "label": {"da": "", "en": ""}, "points": 1},
                        {"key": "logging", "label": {"da": "", "en": ""}, "points": 1},
                    ],
                ),
                # Days to install critical patches: fewer is better.
                _q(
                    "operations.patch_days",
                    "number",
                    "unit",
                    2,
                    bands=[
                        {"min": 0, "score": 5},
                        {"min": 14, "score": 3},
                        {"min": 30, "score": 1},
                    ],
                ),
            ],
        },
        {
            "key": "awareness",
            "title": {"da": "Awareness", "en": "Awareness"},
            "description": {"da": "", "en": ""},
            "questions": [
                _q(
                    "awareness.training",
                    "maturity",
                    "unit",
                    1,
                    levels={str(n): {"da": str(n), "en": str(n)} for n in range(1, 6)},
                ),
                _q("awareness.phishing", "number", "municipality", 1),
            ],
        },
    ],
}

QUESTIONS = {q["key"]: q for a in QUESTIONNAIRE["areas"] for q in a["questions"]}


def ans(key: str, value: object = None, unit: int | None = None, na: bool = False) -> dict:
    return {"question_key": key, "unit_id": unit, "value": value, "na": na}


# The worked example. Hand computation:
#   governance (municipality questions): policy 4 (w2), roles partly = 3 (w1), notes unscored
#     area = (4*2 + 3*1) / 3 = 11/3 = 3.6667; answered 3 / expected 3
#   operations (unit questions, weights backup 3, controls 1, patch_days 2):
#     unit 10: backup daily 5, controls mfa+edr = 1 + 4*3/4 = 4, patch 20 days -> band 14 -> 3
#              area = (5*3 + 4*1 + 3*2) / 6 = 25/6 = 4.1667; answered 3/3
#     unit 20: backup weekly 3, controls [] = 1, patch N/A
#              area = (3*3 + 1*1) / 4 = 2.5; answered 3/3
#     unit 30: backup never 1, controls unanswered, patch value None
#              area = 1*3 / 3 = 1.0; answered 1/3
#     municipality: backup mean(5,3,1) = 3, controls mean(4,1) = 2.5, patch mean(3) = 3
#              area = (3*3 + 2.5*1 + 3*2) / 6 = 17.5/6 = 2.9167 (below 3); answered 7 / 9
#   awareness: training unit 10 = 2, unit 20 N/A, unit 30 missing; phishing 12 (no bands)
#     unit 10 area 2.0 (1/1); unit 20 None (1/1); unit 30 None (0/1)
#     municipality: training mean(2) = 2 -> area 2.0; answered 2 + 1 = 3 / expected 3 + 1 = 4
#   municipality overall = (11/3 + 17.5/6 + 2) / 3 = 51.5/18 = 2.8611
#   municipality completeness = (3 + 7 + 3) / (3 + 9 + 4) = 13/16 = 0.8125
#   unit 10 overall = (25/6 + 2) / 2 = 37/12 = 3.0833, completeness 4/4
#   unit 20 overall = 2.5 (awareness has no score), completeness 4/4
#   unit 30 overall = 1.0, completeness 1/4 = 0.25
ANSWERS = [
    ans("governance.policy", 4),
    ans("governance.roles", "partly"),
    ans("governance.notes", "Politik vedtaget i 2024"),
    ans("operations.backup", "daily", 10),
    ans("operations.controls", ["mfa", "edr"], 10),
    ans("operations.patch_days", 20, 10),
    ans("operations.backup", "weekly", 20),
    ans("operations.controls", [], 20),
    ans("operations.patch_days", None, 20, na=True),
    ans("operations.backup", "never", 30),
    ans("operations.patch_days", None, 30),
    ans("awareness.training", 2, 10),
    ans("awareness.training", None, 20, na=True),
    ans("awareness.phishing", 12),
]


def area(result: dict, key: str) -> dict:
    return next(a for a in result["areas"] if a["key"] == key)


def unit(result: dict, unit_id: int) -> dict:
    return next(u for u in result["units"] if u["id"] == unit_id)


# --- score_answer: one mapping per type -------------------------------------------------------


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_maturity_scores_its_level(level: int) -> None:
    assert score_answer(QUESTIONS["governance.policy"], ans("governance.policy", level)) == level


@pytest.mark.parametrize(("value", "expected"), [("yes", 5.0), ("partly", 3.0), ("no", 1.0)])
def test_yes_partly_no_maps_to_5_3_1(value: str, expected: float) -> None:
    assert score_answer(QUESTIONS["governance.roles"], ans("governance.roles", value)) == expected


@pytest.mark.parametrize(("value", "expected"), [("daily", 5.0), ("weekly", 3.0), ("never", 1.0)])
def test_single_choice_scores_the_chosen_option(value: str, expected: float) -> None:
    question = QUESTIONS["operations.backup"]
    assert score_answer(question, ans("operations.backup", value, 10)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ([], 1.0),  # 1 + 4*0/4
        (["edr"], 2.0),  # 1 + 4*1/4
        (["mfa"], 3.0),  # 1 + 4*2/4
        (["mfa", "logging"], 4.0),  # 1 + 4*3/4
        (["logging", "edr", "mfa"], 5.0),  # 1 + 4*4/4
    ],
)
def test_multiple_choice_scales_points_onto_1_to_5(value: list[str], expected: float) -> None:
    question = QUESTIONS["operations.controls"]
    assert score_answer(question, ans("operations.controls", value, 10)) == pytest.approx(expected)


def test_multiple_choice_ticking_everything_is_exactly_5_in_any_order() -> None:
    # 0.1 + 0.2 + 0.7 summed in another order differs in the last bit; the score must not.
    question = _q(
        "x.tools",
        "multiple_choice",
        "unit",
        options=[
            {"key": k, "label": {}, "points": p} for k, p in (("a", 0.1), ("b", 0.2), ("c", 0.7))
        ],
    )
    for value in (["a", "b", "c"], ["c", "b", "a"], ["b", "c", "a"]):
        assert score_answer(question, ans("x.tools", value, 10)) == 5.0


def test_multiple_choice_without_any_points_is_unscored() -> None:
    question = _q(
        "x.tools",
        "multiple_choice",
        "unit",
        options=[{"key": "a", "label": {}, "points": 0}, {"key": "b", "label": {}, "points": 0}],
    )
    assert score_answer(question, ans("x.tools", ["a"], 10)) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 5.0), (13.9, 5.0), (14, 3.0), (29, 3.0), (30, 1.0), (365, 1.0)],
)
def test_number_takes_the_highest_band_reached(value: float, expected: float) -> None:
    question = QUESTIONS["operations.patch_days"]
    assert score_answer(question, ans("operations.patch_days", value, 10)) == expected


def test_number_below_the_first_band_scores_1_and_band_order_does_not_matter() -> None:
    # Bands given out of order: 10 -> 3, 5 -> 2; 4 reaches none of them -> 1.0.
    question = _q(
        "x.staff", "number", "municipality", bands=[{"min": 10, "score": 3}, {"min": 5, "score": 2}]
    )
    assert score_answer(question, ans("x.staff", 4)) == 1.0
    assert score_answer(question, ans("x.staff", 5)) == 2.0
    assert score_answer(question, ans("x.staff", 12.5)) == 3.0


def test_number_without_bands_and_text_are_unscored() -> None:
    assert score_answer(QUESTIONS["awareness.phishing"], ans("awareness.phishing", 12)) is None
    assert score_answer(QUESTIONS["governance.notes"], ans("governance.notes", "tekst")) is None


def test_unanswered_and_na_are_unscored() -> None:
    question = QUESTIONS["governance.policy"]
    assert score_answer(question, None) is None
    assert score_answer(question, ans("governance.policy", None)) is None
    assert score_answer(question, ans("governance.policy", None, na=True)) is None


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("governance.policy", 0, "1..5"),
        ("governance.policy", 6, "1..5"),
        ("governance.policy", 3.5, "1..5"),
        ("governance.policy", True, "1..5"),
        ("governance.policy", "4", "1..5"),
        ("governance.roles", "maybe", "'yes', 'partly' or 'no'"),
        ("operations.backup", "hourly", "unknown option 'hourly'"),
        ("operations.controls", ["mfa", "sso"], "unknown option"),
        ("operations.controls", ["mfa", "mfa"], "distinct"),
        ("operations.controls", "mfa", "must be a list"),
        ("operations.patch_days", -1, ">= 0"),
        ("operations.patch_days", float("nan"), ">= 0"),
        ("operations.patch_days", "ten", ">= 0"),
        ("awareness.phishing", -3, ">= 0"),
        ("governance.notes", 42, "must be a string"),
    ],
)
def test_values_that_do_not_fit_raise(key: str, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=key) as raised:
        score_answer(QUESTIONS[key], ans(key, value, 10))
    assert message in str(raised.value)


def test_bad_value_inside_compute_scores_raises() -> None:
    with pytest.raises(ValueError, match="governance.policy"):
        compute_scores(QUESTIONNAIRE, UNITS, [ans("governance.policy", 9)])


def test_is_answered() -> None:
    assert not is_answered(None)
    assert not is_answered(ans("governance.policy", None))
    assert is_answered(ans("governance.policy", None, na=True))
    assert is_answered(ans("governance.policy", 1))
    assert is_answered(ans("operations.controls", [], 10))


# --- compute_scores: the worked example ------------------------------------------------------


def test_shape_and_order() -> None:
    result = compute_scores(QUESTIONNAIRE, [30, 10, 20], ANSWERS)
    assert set(result) == {"year", "overall", "completeness", "acceptable_level", "areas", "units"}
    assert result["year"] == 2026
    assert result["acceptable_level"] == ACCEPTABLE_LEVEL == 3.0
    assert [a["key"] for a in result["areas"]] == ["governance", "operations", "awareness"]
    assert [u["id"] for u in result["units"]] == [30, 10, 20]
    area_keys = {"key", "score", "completeness", "answered", "expected", "below_acceptable"}
    for entry in result["areas"]:
        assert set(entry) == area_keys
    for entry in result["units"]:
        assert set(entry) == {"id", "overall", "completeness", "areas"}
        assert [a["key"] for a in entry["areas"]] == ["governance", "operations", "awareness"]
        for unit_area in entry["areas"]:
            assert set(unit_area) == area_keys


def test_municipality_areas() -> None:
    result = compute_scores(QUESTIONNAIRE, UNITS, ANSWERS)
    governance = area(result, "governance")
    assert governance["score"] == pytest.approx(11 / 3)  # (4*2 + 3*1) / 3
    assert (governance["answered"], governance["expected"]) == (3, 3)
    assert governance["completeness"] == 1.0
    assert governance["below_acceptable"] is False

    operations = area(result, "operations")
    assert operations["score"] == pytest.approx(17.5 / 6)  # (3*3 + 2.5*1 + 3*2) / 6 = 2.9167
    assert (operations["answered"], operations["expected"]) == (7, 9)
    assert operations["completeness"] == pytest.approx(7 / 9)
    assert operations["below_acceptable"] is True

    awareness = area(result, "awareness")
    assert awareness["score"] == pytest.approx(2.0)
    assert (awareness["answered"], awareness["expected"]) == (3, 4)
    assert awareness["completeness"] == pytest.approx(0.75)
    assert awareness["below_acceptable"] is True


def test_overall_is_the_plain_mean_of_the_areas() -> None:
    result = compute_scores(QUESTIONNAIRE, UNITS, ANSWERS)
    assert result["overall"] == pytest.approx(51.5 / 18)  # (11/3 + 17.5/6 + 2) / 3 = 2.8611
    assert result["completeness"] == pytest.approx(13 / 16)  # 0.8125


def test_units() -> None:
    result = compute_scores(QUESTIONNAIRE, UNITS, ANSWERS)

    u10 = unit(result, 10)
    assert area(u10, "governance") == {
        "key": "governance",
        "score": None,
        "completeness": None,
        "answered": 0,
        "expected": 0,
        "below_acceptable": False,
    }
    assert area(u10, "operations")["score"] == pytest.approx(25 / 6)  # (5*3 + 4*1 + 3*2) / 6
    assert area(u10, "operations")["below_acceptable"] is False
    assert area(u10, "awareness")["score"] == pytest.approx(2.0)
    assert area(u10, "awareness")["below_acceptable"] is True
    assert u10["overall"] == pytest.approx(37 / 12)  # (25/6 + 2) / 2 = 3.0833
    assert u10["completeness"] == 1.0

    u20 = unit(result, 20)
    assert area(u20, "operations")["score"] == pytest.approx(2.5)  # (3*3 + 1*1) / 4
    assert area(u20, "awareness")["score"] is None  # only N/A
    assert area(u20, "awareness")["completeness"] == 1.0  # N/A counts as answered
    assert u20["overall"] == pytest.approx(2.5)
    assert u20["completeness"] == 1.0

    u30 = unit(result, 30)
    assert area(u30, "operations")["score"] == pytest.approx(1.0)  # 1*3 / 3
    assert (area(u30, "operations")["answered"], area(u30, "operations")["expected"]) == (1, 3)
    assert area(u30, "awareness")["score"] is None
    assert area(u30, "awareness")["completeness"] == 0.0
    assert u30["overall"] == pytest.approx(1.0)
    assert u30["completeness"] == pytest.approx(0.25)


def test_na_is_left_out_of_the_score_but_counts_as_answered() -> None:
    # policy 4 (w2) + roles N/A -> area = 4*2/2 = 4.0, yet 2 of 3 answered.
    answers = [ans("governance.policy", 4), ans("governance.roles", None, na=True)]
    governance = area(compute_scores(QUESTIONNAIRE, [], answers), "governance")
    assert governance["score"] == pytest.approx(4.0)
    assert (governance["answered"], governance["expected"]) == (2, 3)


def test_unanswered_lowers_completeness_not_score() -> None:
    # Only policy 2 answered: the area is 2.0, not (2*2 + 0 + 0) / 4.
    governance = area(
        compute_scores(QUESTIONNAIRE, [], [ans("governance.policy", 2)]), "governance"
    )
    assert governance["score"] == pytest.approx(2.0)
    assert governance["completeness"] == pytest.approx(1 / 3)


def test_unit_roll_up_is_a_plain_mean_over_answering_units() -> None:
    # backup: unit 10 daily 5, unit 20 never 1, unit 30 N/A -> mean(5, 1) = 3, not weighted
    # by anything and not pulled down by the N/A unit.
    answers = [
        ans("operations.backup", "daily", 10),
        ans("operations.backup", "never", 20),
        ans("operations.backup", None, 30, na=True),
    ]
    result = compute_scores(QUESTIONNAIRE, UNITS, answers)
    operations = area(result, "operations")
    assert operations["score"] == pytest.approx(3.0)
    assert (operations["answered"], operations["expected"]) == (3, 9)


def test_nothing_scored_is_none_never_zero() -> None:
    result = compute_scores(QUESTIONNAIRE, UNITS, [])
    assert result["overall"] is None
    assert result["completeness"] == 0.0
    assert all(a["score"] is None and a["below_acceptable"] is False for a in result["areas"])
    assert all(u["overall"] is None for u in result["units"])

    # Answered, but only with N/A and unscored types: still None, yet complete where answered.
    only_unscored = [
        ans("governance.notes", "Ingen politik"),
        ans("awareness.phishing", 0),
        ans("governance.policy", None, na=True),
    ]
    result = compute_scores(QUESTIONNAIRE, [], only_unscored)
    assert result["overall"] is None
    assert area(result, "governance")["score"] is None
    assert area(result, "governance")["answered"] == 2


def test_without_units_unit_questions_expect_nothing() -> None:
    # expected = 3 governance + 0 operations + 1 awareness.phishing = 4
    result = compute_scores(QUESTIONNAIRE, [], ANSWERS)
    assert result["units"] == []
    assert area(result, "operations")["expected"] == 0
    assert area(result, "operations")["completeness"] is None
    assert area(result, "operations")["score"] is None
    assert result["completeness"] == pytest.approx(4 / 4)
    assert result["overall"] == pytest.approx(11 / 3)  # only governance has a score


def test_stray_answers_are_ignored() -> None:
    strays = [
        ans("governance.unknown", 5),  # not in the questionnaire
        ans("operations.backup", "hourly", 99),  # unit not in unit_ids (bad value not even read)
        ans("governance.policy", 1, 10),  # municipality question carrying a unit id
        ans("operations.backup", "never", None),  # unit question without a unit
    ]
    assert compute_scores(QUESTIONNAIRE, UNITS, ANSWERS + strays) == compute_scores(
        QUESTIONNAIRE, UNITS, ANSWERS
    )


def test_duplicate_unit_ids_count_once() -> None:
    assert compute_scores(QUESTIONNAIRE, [10, 20, 10, 30], ANSWERS) == compute_scores(
        QUESTIONNAIRE, UNITS, ANSWERS
    )


def test_higher_revision_wins_whatever_the_order() -> None:
    old = {**ans("governance.policy", 1), "revision": 1}
    new = {**ans("governance.policy", 5), "revision": 2}
    for answers in ([old, new], [new, old]):
        assert area(compute_scores(QUESTIONNAIRE, [], answers), "governance")["score"] == 5.0


def test_contradictory_duplicates_raise() -> None:
    with pytest.raises(ValueError, match="conflicting"):
        compute_scores(
            QUESTIONNAIRE, [], [ans("governance.policy", 1), ans("governance.policy", 5)]
        )


def test_questionnaire_acceptable_level_is_used() -> None:
    # policy 4 only -> governance 4.0, below a stricter level of 4.5.
    strict = {**QUESTIONNAIRE, "acceptable_level": 4.5}
    result = compute_scores(strict, [], [ans("governance.policy", 4)])
    assert result["acceptable_level"] == 4.5
    assert area(result, "governance")["below_acceptable"] is True


def test_fractional_weights_keep_a_perfect_area_at_exactly_5() -> None:
    # Naively (5*0.2 + 5*0.7) / 0.9 comes out as 5.000000000000001; a mean of 5s is 5.
    questionnaire = copy.deepcopy(QUESTIONNAIRE)
    weights = {"governance.policy": 0.2, "governance.roles": 0.7}
    for question in questionnaire["areas"][0]["questions"]:
        question["weight"] = weights.get(question["key"], 1)
    answers = [ans("governance.policy", 5), ans("governance.roles", "yes")]
    assert area(compute_scores(questionnaire, [], answers), "governance")["score"] == 5.0


def test_inputs_are_not_modified() -> None:
    questionnaire, answers = copy.deepcopy(QUESTIONNAIRE), copy.deepcopy(ANSWERS)
    compute_scores(questionnaire, UNITS, answers)
    recommendations(questionnaire, answers)
    assert questionnaire == QUESTIONNAIRE
    assert answers == ANSWERS


# --- recommendations -------------------------------------------------------------------------


def test_municipality_recommendations_use_rolled_up_scores() -> None:
    # Question scores: policy 4, roles 3, backup 3, controls 2.5, patch 3, training 2.
    # Below 3: training gap 1 * w1 = 1.0, controls gap 0.5 * w1 = 0.5.
    found = recommendations(QUESTIONNAIRE, ANSWERS)
    assert [r["question_key"] for r in found] == ["awareness.training", "operations.controls"]
    training, controls = found
    assert training == {
        "question_key": "awareness.training",
        "area_key": "awareness",
        "score": pytest.approx(2.0),
        "weight": 1.0,
        "gap": pytest.approx(1.0),
        "recommendation": {"da": "Forbedr awareness.training", "en": "Improve awareness.training"},
    }
    assert controls["score"] == pytest.approx(2.5)
    assert controls["gap"] == pytest.approx(0.5)


def test_recommendations_rank_by_gap_times_weight() -> None:
    # Unit 30: backup never 1 (gap 2 * w3 = 6), patch 40 days -> 1 (gap 2 * w2 = 4),
    # controls [] -> 1 (gap 2 * w1 = 2), training 1 (gap 2 * w1 = 2; tie keeps questionnaire
    # order). The municipality question policy 1 is not the unit's and is left out.
    answers = [
        ans("governance.policy", 1),
        ans("awareness.training", 1, 30),
        ans("operations.controls", [], 30),
        ans("operations.patch_days", 40, 30),
        ans("operations.backup", "never", 30),
        ans("operations.backup", "daily", 10),
    ]
    found = recommendations(QUESTIONNAIRE, answers, unit_id=30)
    assert [(r["question_key"], r["gap"] * r["weight"]) for r in found] == [
        ("operations.backup", 6.0),
        ("operations.patch_days", 4.0),
        ("operations.controls", 2.0),
        ("awareness.training", 2.0),
    ]


def test_unit_recommendations_use_only_that_units_answers() -> None:
    # Unit 20: controls [] -> 1 (gap 2); backup weekly 3 is acceptable; unit 30's answers ignored.
    answers = ANSWERS + [ans("awareness.training", 1, 30)]
    found = recommendations(QUESTIONNAIRE, answers, unit_id=20)
    assert [(r["question_key"], r["score"], r["gap"]) for r in found] == [
        ("operations.controls", 1.0, 2.0)
    ]
    assert recommendations(QUESTIONNAIRE, answers, unit_id=99) == []


def test_no_recommendations_at_or_above_acceptable() -> None:
    answers = [ans("governance.policy", 3), ans("governance.roles", "yes")]
    assert recommendations(QUESTIONNAIRE, answers) == []


# --- properties -------------------------------------------------------------------------------

VALUES = {
    "governance.policy": st.integers(1, 5),
    "governance.roles": st.sampled_from(["yes", "partly", "no"]),
    "governance.notes": st.text(max_size=20),
    "operations.backup": st.sampled_from(["daily", "weekly", "never"]),
    "operations.controls": st.lists(
        st.sampled_from(["mfa", "edr", "logging"]), unique=True, max_size=3
    ),
    "operations.patch_days": st.floats(0, 1000, allow_nan=False),
    "awareness.training": st.integers(1, 5),
    "awareness.phishing": st.integers(0, 10_000),
}


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[dict, list[int], list[dict]]:
    questionnaire = copy.deepcopy(QUESTIONNAIRE)
    for question in (q for a in questionnaire["areas"] for q in a["questions"]):
        question["weight"] = draw(st.sampled_from([1, 2, 3, 0.1, 0.2, 0.3, 0.7, 1.7]))
    units = draw(st.lists(st.sampled_from(UNITS), unique=True))
    answers = []
    for key, question in QUESTIONS.items():
        for unit_id in [None] if question["scope"] == "municipality" else UNITS:
            kind = draw(st.sampled_from(["missing", "empty", "na", "value", "value"]))
            if kind == "empty":
                answers.append(ans(key, None, unit_id))
            elif kind == "na":
                answers.append(ans(key, None, unit_id, na=True))
            elif kind == "value":
                answers.append(ans(key, draw(VALUES[key]), unit_id))
    answers.extend(
        draw(st.lists(st.sampled_from([ans("x.stray", 1), ans("governance.policy", 2, 10)])))
    )
    return questionnaire, units, answers


def _all_scores(result: dict) -> list[float | None]:
    scores = [result["overall"]] + [a["score"] for a in result["areas"]]
    for entry in result["units"]:
        scores += [entry["overall"]] + [a["score"] for a in entry["areas"]]
    return scores


def _all_completeness(result: dict) -> list[float | None]:
    values = [result["completeness"]] + [a["completeness"] for a in result["areas"]]
    for entry in result["units"]:
        values += [entry["completeness"]] + [a["completeness"] for a in entry["areas"]]
    return values


@settings(max_examples=200, deadline=None)
@given(scenarios(), st.randoms(use_true_random=False))
def test_scores_are_bounded_and_independent_of_answer_order(
    scenario: tuple[dict, list[int], list[dict]], rnd: random.Random
) -> None:
    questionnaire, units, answers = scenario
    result = compute_scores(questionnaire, units, answers)

    for score in _all_scores(result):
        assert score is None or 1.0 <= score <= 5.0
    for completeness in _all_completeness(result):
        assert completeness is None or 0.0 <= completeness <= 1.0
    for entry in result["areas"] + [a for u in result["units"] for a in u["areas"]]:
        assert entry["below_acceptable"] == (entry["score"] is not None and entry["score"] < 3.0)
        assert 0 <= entry["answered"] <= entry["expected"]

    shuffled = list(answers)
    rnd.shuffle(shuffled)
    assert compute_scores(questionnaire, units, shuffled) == result
    assert recommendations(questionnaire, shuffled) == recommendations(questionnaire, answers)
    for unit_id in units:
        assert recommendations(questionnaire, shuffled, unit_id) == recommendations(
            questionnaire, answers, unit_id
        )
