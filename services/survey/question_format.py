"""One question of the questionnaire file: its key, type, scope, weight, texts and scale.

Pure: the standard library only. In plain words (the format is in docs/architecture.md):

* a question key is ``<area>.<slug>`` and unique in the file; type and scope come from fixed
  lists; the weight is a number above 0 (default 1); N/A is allowed only when it says so;
* levels, options, bands and a unit label belong only to the types that use them: a maturity
  question describes exactly the levels 1 to 5; a single choice has at least two options with a
  whole score 1 to 5 each, a multiple choice at least two with points >= 0 summing above 0;
  number bands start at 0, rise strictly and give a score 1 to 5;
* a scored question (every type but text, and a number only with bands) needs a
  recommendation; references must exist in the exact lists of ``frameworks.py`` (ISO/IEC
  27001:2022 Annex A and clauses 4-10, NIS2 articles, CIS v8 safeguards), and a framework is
  cited only where ``references_year`` (the questionnaire year, or the year its mapping was
  added afterwards) is not before the framework existed.
"""

from __future__ import annotations

import re

from services.common.numbers import try_parse_int
from services.survey import format_checks as checks
from services.survey.references import REFERENCE_KINDS, citation_year_problem, reference_problem

QUESTION_TYPES = ("maturity", "yes_partly_no", "single_choice", "multiple_choice", "number", "text")
SCOPES = ("municipality", "unit")
MATURITY_LEVELS = (1, 2, 3, 4, 5)
OPTION_KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]*$")

_QUESTION_REQUIRED = ("key", "type", "scope", "text")
_QUESTION_OPTIONAL = (
    "weight",
    "help",
    "na_allowed",
    "levels",
    "options",
    "bands",
    "unit_label",
    "references",
    "recommendation",
)
# Which type-specific fields each question type accepts.
_TYPE_FIELDS = {
    "levels": ("maturity",),
    "options": ("single_choice", "multiple_choice"),
    "bands": ("number",),
    "unit_label": ("number",),
}


def question(
    raw: object, where: checks.Where, area_key: str, seen: dict[str, str], references_year: int
) -> dict:
    """One question, normalised; ``seen`` maps the question keys used so far to their place.

    ``references_year`` is the year the question's framework mapping dates from.
    """
    found = checks.mapping(raw, where, "a question")
    if isinstance(found.get("key"), str):
        where = where.labelled(found["key"])
    checks.check_fields(found, where, _QUESTION_REQUIRED, _QUESTION_OPTIONAL)
    key = _question_key(found["key"], where, area_key, seen)
    qtype, scope, weight, na_allowed = _basics(found, where)
    text = checks.language(found["text"], where.field("text"))
    help_text = checks.language(found["help"], where.field("help")) if "help" in found else None
    _check_type_fields(found, where, qtype)
    levels = _levels(found, where) if qtype == "maturity" else None
    options = _options(found, where, qtype) if qtype in _TYPE_FIELDS["options"] else None
    bands = _bands(found["bands"], where.field("bands")) if "bands" in found else None
    unit_label = (
        checks.language(found["unit_label"], where.field("unit_label"))
        if "unit_label" in found
        else None
    )
    recommendation = _recommendation(found, where, qtype, bands)
    return {
        "key": key,
        "area_key": area_key,
        "type": qtype,
        "scope": scope,
        "weight": float(weight),
        "text": text,
        "help": help_text,
        "na_allowed": na_allowed,
        "levels": levels,
        "options": options,
        "bands": bands,
        "unit_label": unit_label,
        "references": _references(
            found.get("references"), where.field("references"), references_year
        ),
        "recommendation": recommendation,
    }


def _question_key(value: object, where: checks.Where, area_key: str, seen: dict[str, str]) -> str:
    """``<area>.<slug>``, unique in the file."""
    pattern = re.compile(rf"^{re.escape(area_key)}\.[a-z0-9_]+$")
    key = checks.key(value, where.field("key"), pattern, f"{area_key}.policy")
    if key in seen:
        raise where.field("key").error(
            f"duplicate question key {key!r} (first used at {seen[key]})"
        )
    seen[key] = str(where)
    return key


def _basics(question: dict, where: checks.Where) -> tuple[str, str, float, bool]:
    """Type, scope, weight (default 1) and whether N/A is allowed (default no)."""
    qtype = question["type"]
    if qtype not in QUESTION_TYPES:
        raise where.field("type").error(
            f"unknown question type {qtype!r}; use one of {', '.join(QUESTION_TYPES)}"
        )
    scope = question["scope"]
    if scope not in SCOPES:
        raise where.field("scope").error(f"scope must be one of {', '.join(SCOPES)}, not {scope!r}")
    weight = question.get("weight", 1)
    if not checks.is_number(weight) or weight <= 0:
        raise where.field("weight").error(f"weight must be a number greater than 0, not {weight!r}")
    na_allowed = question.get("na_allowed", False)
    if not isinstance(na_allowed, bool):
        raise where.field("na_allowed").error(
            f"must be true or false, not {checks.kind(na_allowed)} ({na_allowed!r})"
        )
    return qtype, scope, weight, na_allowed


def _check_type_fields(question: dict, where: checks.Where, qtype: str) -> None:
    """Levels, options, bands and a unit label belong to their question types only."""
    for name, types in _TYPE_FIELDS.items():
        if name in question and qtype not in types:
            allowed = " and ".join(types)
            raise where.field(name).error(
                f"only {allowed} questions have {name}; this one is {qtype}"
            )


def _recommendation(
    question: dict, where: checks.Where, qtype: str, bands: list | None
) -> dict[str, str] | None:
    """A scored question needs one: it is shown when the score is below the acceptable level."""
    scored = qtype not in ("text", "number") or bands is not None
    if "recommendation" in question:
        return checks.language(question["recommendation"], where.field("recommendation"))
    if scored:
        raise where.field("recommendation").error(
            f"a scored {qtype} question needs a recommendation "
            "(shown when the score is below the acceptable level)"
        )
    return None


def _levels(question: dict, where: checks.Where) -> dict[str, dict[str, str]]:
    """Maturity levels are the scale itself, so all five must be described, and nothing else."""
    where = where.field("levels")
    if "levels" not in question:
        raise where.error("a maturity question needs levels 1 to 5; none are given")
    raw = checks.mapping(question["levels"], where, "levels")
    by_level: dict[int, object] = {}
    unexpected = []
    for name, value in raw.items():
        level = name if checks.is_int(name) else None
        if isinstance(name, str):
            level = try_parse_int(name.strip())
        if level not in MATURITY_LEVELS:
            unexpected.append(str(name))
            continue
        by_level[level] = value
    missing = [str(level) for level in MATURITY_LEVELS if level not in by_level]
    if missing or unexpected:
        details = []
        if missing:
            details.append(f"missing {', '.join(missing)}")
        if unexpected:
            details.append(f"unexpected {', '.join(unexpected)}")
        raise where.error(f"a maturity question needs levels 1 to 5 ({'; '.join(details)})")
    return {
        str(level): checks.language(by_level[level], where.field(level))
        for level in MATURITY_LEVELS
    }


def _options(question: dict, where: checks.Where, qtype: str) -> list[dict]:
    where = where.field("options")
    if "options" not in question:
        raise where.error(f"a {qtype} question needs options; none are given")
    raw = checks.as_list(question["options"], where, "options")
    if len(raw) < 2:
        raise where.error(f"a {qtype} question needs at least 2 options, not {len(raw)}")
    value_field = "score" if qtype == "single_choice" else "points"
    seen: dict[str, int] = {}
    result = []
    for i, raw_option in enumerate(raw):
        at = where.index(i)
        option = checks.mapping(raw_option, at, "an option")
        checks.check_fields(option, at, ("key", "label", value_field), ())
        key = option["key"]
        if not isinstance(key, str):
            hint = (
                " (quote it: YAML reads yes/no/on/off as true/false)"
                if isinstance(key, bool)
                else ""
            )
            raise at.field("key").error(f"must be text, not {checks.kind(key)}{hint}")
        key = checks.key(key, at.field("key"), OPTION_KEY_PATTERN, "weekly")
        if key in seen:
            raise at.field("key").error(
                f"duplicate option key {key!r} (first used at {where}[{seen[key]}])"
            )
        seen[key] = i
        label = checks.language(option["label"], at.field("label"))
        value = option[value_field]
        if qtype == "single_choice":
            if not checks.is_int(value) or value not in MATURITY_LEVELS:
                raise at.field("score").error(
                    f"a single_choice option's score must be a whole number from 1 to 5, "
                    f"not {value!r}"
                )
            result.append({"key": key, "label": label, "score": value})
        else:
            if not checks.is_number(value) or value < 0:
                raise at.field("points").error(
                    f"a multiple_choice option's points must be a number >= 0, not {value!r}"
                )
            result.append({"key": key, "label": label, "points": float(value)})
    if qtype == "multiple_choice" and sum(option["points"] for option in result) <= 0:
        raise where.error(
            "the options' points sum to 0; at least one option needs points greater than 0"
        )
    return result


def _bands(value: object, where: checks.Where) -> list[dict]:
    """Bands turn a number into a score; they start at 0 so that every answer (>= 0) gets one."""
    raw = checks.as_list(value, where, "bands")
    if len(raw) < 2:
        raise where.error(f"a number question's bands need at least 2 steps, not {len(raw)}")
    result: list[dict] = []
    for i, raw_band in enumerate(raw):
        at = where.index(i)
        band = checks.mapping(raw_band, at, "a band")
        checks.check_fields(band, at, ("min", "score"), ())
        minimum, score = band["min"], band["score"]
        if not checks.is_number(minimum) or minimum < 0:
            raise at.field("min").error(f"min must be a number >= 0, not {minimum!r}")
        if not checks.is_int(score) or score not in MATURITY_LEVELS:
            raise at.field("score").error(
                f"a band's score must be a whole number from 1 to 5, not {score!r}"
            )
        if result and minimum <= result[-1]["min"]:
            raise at.field("min").error(
                f"bands must be sorted by min ascending; {minimum} does not come after "
                f"{where}[{i - 1}].min = {result[-1]['min']:g}"
            )
        result.append({"min": float(minimum), "score": score})
    if result[0]["min"] != 0:
        raise (
            where.index(0)
            .field("min")
            .error("the first band must start at min 0 so that every answer gets a score")
        )
    return result


def _references(value: object, where: checks.Where, year: int) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {kind: [] for kind in REFERENCE_KINDS}
    if value is None:
        return result
    refs = checks.mapping(value, where, "references")
    for kind in refs:
        if kind not in REFERENCE_KINDS:
            raise where.field(kind).error(
                f"unknown reference kind {str(kind)!r}; use {', '.join(REFERENCE_KINDS)}"
            )
    for kind in REFERENCE_KINDS:
        if kind not in refs:
            continue
        at = where.field(kind)
        items = checks.as_list(refs[kind], at, f"{kind} references")
        for i, item in enumerate(items):
            if not isinstance(item, str):
                raise at.index(i).error(
                    f"a reference must be quoted text, not {checks.kind(item)} ({item!r})"
                )
            if item in result[kind]:
                raise at.index(i).error(f"duplicate reference {item!r}")
            problem = reference_problem(kind, item)
            if problem:
                raise at.index(i).error(problem)
            too_early = citation_year_problem(kind, year)
            if too_early:
                raise at.index(i).error(f"{item!r}: {too_early}")
            result[kind].append(item)
    return result
