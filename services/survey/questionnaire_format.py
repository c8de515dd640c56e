"""The yearly questionnaire file (``data/questionnaires/<year>.yaml``): parse, validate, normalise.

People write these files by hand, so every rule of the format in ``docs/architecture.md`` is
checked, once, and every error names the exact place (``areas[2].questions[4].levels``) so the
author can fix it without guessing. The result is a JSON-safe dict with every field present; it
is what crosses RPC and events, so no other service has to know the YAML or its defaults. This
module checks the file and its areas, the year its framework mapping dates from (its own, or a
later ``references_added_afterwards`` it declares) and the Annex A controls it declares
``not_assessed``; from 2026 on, its Danish texts keep to the glossary (``glossary``). One
question is ``question_format``; the strict YAML and the checks both use ``format_checks``.

Pure module: YAML and the standard library only, no nameko or Flask.
"""

from __future__ import annotations

import re
from pathlib import Path

from services.common.years import FIRST_YEAR, LAST_YEAR, is_round_year
from services.survey import format_checks as checks
from services.survey.format_checks import QuestionnaireError
from services.survey.glossary import check_wording
from services.survey.question_format import question
from services.survey.references import ISO_ANNEX_A, citation_year_problem

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
VERSION_PATTERN = re.compile(r"^(\d{4})(\.[0-9A-Za-z-]+)+$")

_TOP_REQUIRED = ("key", "year", "version", "acceptable_level", "title", "areas")
_TOP_OPTIONAL = ("description", "references_added_afterwards", "not_assessed")
_AFTERWARDS_FIELDS = ("year", "note")
_NOT_ASSESSED_FIELDS = ("controls", "reason")
_AREA_REQUIRED = ("key", "title", "questions")
_AREA_OPTIONAL = ("description",)


def parse_questionnaire(text: str) -> dict:
    """Parse and validate one questionnaire file; return the normalised, JSON-safe dict.

    Raises ``QuestionnaireError`` on the first problem found, naming its exact key path.
    """
    if not isinstance(text, str):
        raise QuestionnaireError(
            "", f"the questionnaire must be YAML text, not {checks.kind(text)}"
        )
    data = checks.load_yaml(text)
    if data is None:
        raise QuestionnaireError("", "the questionnaire file is empty")
    root = checks.Where()
    top = checks.mapping(data, root, "the questionnaire")
    checks.check_fields(top, root, _TOP_REQUIRED, _TOP_OPTIONAL)

    key = checks.key(top["key"], root.field("key"), KEY_PATTERN, "informationssikkerhed")
    year = _year(top["year"], root.field("year"))
    version = _version(top["version"], root.field("version"), year)
    acceptable = _level_number(top["acceptable_level"], root.field("acceptable_level"))
    title = checks.language(top["title"], root.field("title"))
    description = (
        checks.language(top["description"], root.field("description"))
        if top.get("description") is not None
        else None
    )

    afterwards = (
        _references_added_afterwards(
            top["references_added_afterwards"], root.field("references_added_afterwards"), year
        )
        if "references_added_afterwards" in top
        else None
    )
    references_year = afterwards["year"] if afterwards else year

    areas_where = root.field("areas")
    areas = checks.as_list(top["areas"], areas_where, "areas")
    if not areas:
        raise areas_where.error("a questionnaire needs at least one area")
    area_seen: dict[str, str] = {}
    question_seen: dict[str, str] = {}
    normalised_areas = [
        _area(raw, areas_where.index(i), area_seen, question_seen, references_year)
        for i, raw in enumerate(areas)
    ]
    not_assessed = (
        _not_assessed(
            top["not_assessed"], root.field("not_assessed"), references_year, normalised_areas
        )
        if "not_assessed" in top
        else []
    )
    normalised = {
        "key": key,
        "year": year,
        "version": version,
        "acceptable_level": acceptable,
        "title": title,
        "description": description,
        "references_added_afterwards": afterwards,
        "not_assessed": not_assessed,
        "areas": normalised_areas,
    }
    check_wording(normalised)
    return normalised


def _year(value: object, where: checks.Where) -> int:
    if not checks.is_int(value):
        raise where.error(f"must be a whole year such as 2026, not {checks.kind(value)}")
    if not is_round_year(value):
        raise where.error(f"{value} is not a year between {FIRST_YEAR} and {LAST_YEAR}")
    return value


def _version(value: object, where: checks.Where, year: int) -> str:
    if not isinstance(value, str):
        raise where.error(
            f'must be a quoted string such as "{year}.1", not {checks.kind(value)} '
            "(YAML reads an unquoted 2026.1 as a number)"
        )
    match = VERSION_PATTERN.match(value)
    if not match or int(match.group(1)) != year:
        raise where.error(f'{value!r} must start with the year {year}, e.g. "{year}.1"')
    return value


def _references_added_afterwards(value: object, where: checks.Where, year: int) -> dict:
    """When an older questionnaire's framework mapping was written, and a note saying so.

    A 2021 file may cite ISO/IEC 27001:2022 only if it says plainly that the mapping is later
    than the questionnaire; the year must be after the questionnaire's own.
    """
    found = checks.mapping(value, where, "references_added_afterwards ({year, note})")
    checks.check_fields(found, where, _AFTERWARDS_FIELDS, ())
    added = found["year"]
    if not checks.is_int(added) or not is_round_year(added):
        raise where.field("year").error(
            f"must be a whole year between {FIRST_YEAR} and {LAST_YEAR}, not {added!r}"
        )
    if added <= year:
        raise where.field("year").error(
            f"the mapping of a {year} questionnaire is added afterwards only in a later year, "
            f"not {added}"
        )
    return {"year": added, "note": checks.language(found["note"], where.field("note"))}


def _not_assessed(value: object, where: checks.Where, year: int, areas: list[dict]) -> list[dict]:
    """Annex A controls no question covers, each with the reason (a statement of applicability).

    Every control named must exist, be named once, and not be cited by a question as well: a
    control is either assessed by the questions or declared not assessed, never both.
    """
    cited = {
        ref: q["key"]
        for area in areas
        for q in area["questions"]
        for ref in q["references"]["iso27001"]
    }
    groups = checks.as_list(value, where, "not_assessed")
    seen: dict[str, str] = {}
    result = []
    for i, raw in enumerate(groups):
        at = where.index(i)
        group = checks.mapping(raw, at, "a not_assessed entry ({controls, reason})")
        checks.check_fields(group, at, _NOT_ASSESSED_FIELDS, ())
        controls_at = at.field("controls")
        controls = checks.as_list(group["controls"], controls_at, "controls")
        if not controls:
            raise controls_at.error("name at least one ISO/IEC 27001:2022 Annex A control")
        reason = checks.language(group["reason"], at.field("reason"))
        for j, control in enumerate(controls):
            control_at = controls_at.index(j)
            if not isinstance(control, str):
                raise control_at.error(
                    f"a control must be quoted text, not {checks.kind(control)} ({control!r})"
                )
            if control not in ISO_ANNEX_A:
                raise control_at.error(
                    f"{control!r} is not an ISO/IEC 27001:2022 Annex A control like 'A.7.1'"
                )
            too_early = citation_year_problem("iso27001", year)
            if too_early:
                raise control_at.error(f"{control!r}: {too_early}")
            if control in seen:
                raise control_at.error(f"{control} is already declared at {seen[control]}")
            if control in cited:
                raise control_at.error(
                    f"{control} is cited by question {cited[control]}; a control is either "
                    "assessed or declared not assessed"
                )
            seen[control] = str(control_at)
        result.append({"controls": list(controls), "reason": reason})
    return result


def _level_number(value: object, where: checks.Where) -> float:
    if not checks.is_number(value) or not 1 <= value <= 5:
        raise where.error(f"must be a number from 1 to 5, not {value!r}")
    return float(value)


def _area(
    raw: object,
    where: checks.Where,
    area_seen: dict[str, str],
    question_seen: dict[str, str],
    references_year: int,
) -> dict:
    area = checks.mapping(raw, where, "an area")
    if isinstance(area.get("key"), str):
        where = where.labelled(area["key"])
    checks.check_fields(area, where, _AREA_REQUIRED, _AREA_OPTIONAL)
    key = checks.key(area["key"], where.field("key"), KEY_PATTERN, "governance")
    if key in area_seen:
        raise where.field("key").error(
            f"duplicate area key {key!r} (first used at {area_seen[key]})"
        )
    area_seen[key] = str(where)
    title = checks.language(area["title"], where.field("title"))
    description = (
        checks.language(area["description"], where.field("description"))
        if area.get("description") is not None
        else None
    )
    questions_where = where.field("questions")
    questions = checks.as_list(area["questions"], questions_where, "questions")
    if not questions:
        raise questions_where.error(f"area {key!r} needs at least one question")
    return {
        "key": key,
        "title": title,
        "description": description,
        "questions": [
            question(raw_q, questions_where.index(i), key, question_seen, references_year)
            for i, raw_q in enumerate(questions)
        ],
    }


def load_questionnaire_file(path: str | Path) -> dict:
    """Read a questionnaire file (UTF-8) and return it normalised; see ``parse_questionnaire``."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QuestionnaireError("", f"{path} is not UTF-8 text: {exc.reason}") from exc
    return parse_questionnaire(text)


def questionnaire_summary(questionnaire: dict) -> dict:
    """The few figures a list of questionnaires shows, from a normalised questionnaire."""
    questions = [q for area in questionnaire["areas"] for q in area["questions"]]
    return {
        "key": questionnaire["key"],
        "year": questionnaire["year"],
        "version": questionnaire["version"],
        "title": questionnaire["title"],
        "areas": len(questionnaire["areas"]),
        "questions": len(questions),
        "unit_questions": sum(1 for q in questions if q["scope"] == "unit"),
    }
