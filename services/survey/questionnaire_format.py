"""The yearly questionnaire file (``data/questionnaires/<year>.yaml``): parse, validate, normalise.

People write these files by hand, so every rule of the format in ``docs/architecture.md`` is
checked here, once, and every error names the exact place (``areas[2].questions[4].levels``) so
the author can fix it without guessing. The result is a JSON-safe dict with every field present;
it is what crosses RPC and events, so no other service has to know the YAML or its defaults.

Pure module: YAML and the standard library only, no nameko or Flask.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import yaml

from services.common.numbers import try_parse_int
from services.common.years import FIRST_YEAR, LAST_YEAR, is_round_year

QUESTION_TYPES = ("maturity", "yes_partly_no", "single_choice", "multiple_choice", "number", "text")
SCOPES = ("municipality", "unit")
LANGUAGES = {"da": "Danish", "en": "English"}
MATURITY_LEVELS = (1, 2, 3, 4, 5)
REFERENCE_KINDS = ("iso27001", "nis2", "cis")

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
OPTION_KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]*$")
VERSION_PATTERN = re.compile(r"^(\d{4})(\.[0-9A-Za-z-]+)+$")
ISO_PATTERN = re.compile(r"^A\.([5-8])\.(\d+)$")
NIS2_PATTERN = re.compile(r"^21\(2\)\([a-j]\)$")
CIS_PATTERN = re.compile(r"^(\d+)(\.\d+)?$")

# Number of controls in each theme of ISO/IEC 27001:2022 Annex A, so "A.5.38" is caught too.
ISO_THEME_SIZES = {5: 37, 6: 8, 7: 14, 8: 34}
CIS_CONTROLS = 18

_TOP_REQUIRED = ("key", "year", "version", "acceptable_level", "title", "areas")
_TOP_OPTIONAL = ("description",)
_AREA_REQUIRED = ("key", "title", "questions")
_AREA_OPTIONAL = ("description",)
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


class QuestionnaireError(ValueError):
    """A questionnaire file breaks the format.

    ``path`` is the exact key path (``areas[2].questions[4].levels``, indices from 0) and
    ``problem`` says what is wrong; ``str()`` also names the question key so an author can find
    the spot by searching the file. ``line`` is set for YAML syntax errors.
    """

    def __init__(
        self,
        path: str,
        problem: str,
        *,
        display_path: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(path, problem)
        self.path = path
        self.problem = problem
        self.display_path = display_path or path
        self.line = line

    def __str__(self) -> str:
        return f"{self.display_path}: {self.problem}" if self.display_path else self.problem


class _Where:
    """A key path under construction, with the question (or area) key for the message."""

    def __init__(self, parts: tuple[str, ...] = (), labels: tuple[str | None, ...] = ()) -> None:
        self.parts = parts
        self.labels = labels

    def field(self, name: object) -> _Where:
        text = str(name) if not self.parts else f".{name}"
        return _Where((*self.parts, text), (*self.labels, None))

    def index(self, position: int) -> _Where:
        return _Where((*self.parts, f"[{position}]"), (*self.labels, None))

    def labelled(self, label: str) -> _Where:
        return _Where(self.parts, (*self.labels[:-1], label))

    def __str__(self) -> str:
        return "".join(self.parts)

    def display(self) -> str:
        """The path with the innermost key shown: ``areas[2].questions[4] (risk.x).levels``."""
        labelled = [i for i, label in enumerate(self.labels) if label]
        if not labelled:
            return str(self)
        last = labelled[-1]
        parts = list(self.parts)
        parts[last] = f"{parts[last]} ({self.labels[last]})"
        return "".join(parts)

    def error(self, problem: str) -> QuestionnaireError:
        return QuestionnaireError(str(self), problem, display_path=self.display())


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys instead of silently keeping the last one."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict:
    loader.flatten_mapping(node)
    seen: set = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            duplicate = key in seen
        except TypeError:
            continue
        if duplicate:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping",
                node.start_mark,
                f"found duplicate key {key!r}",
                key_node.start_mark,
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _load_yaml(text: str) -> Any:
    try:
        loader = _StrictLoader(text)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise QuestionnaireError(
            "",
            f"YAML syntax error at line {line}: character U+{exc.character:04X} is not allowed",
            line=line,
        ) from exc
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "invalid YAML"
        if mark is None:
            raise QuestionnaireError("", f"YAML syntax error: {what}") from exc
        line = mark.line + 1
        raise QuestionnaireError(
            "",
            f"YAML syntax error at line {line}, column {mark.column + 1}: {what}",
            line=line,
        ) from exc
    except yaml.YAMLError as exc:
        raise QuestionnaireError("", f"YAML syntax error: {exc}") from exc
    finally:
        loader.dispose()


def _kind(value: object) -> str:
    """How a YAML value reads to an author, for messages."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _is_number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _mapping(value: object, where: _Where, what: str) -> dict:
    if not isinstance(value, dict):
        raise where.error(f"{what} must be a mapping, not {_kind(value)}")
    return value


def _list(value: object, where: _Where, what: str) -> list:
    if not isinstance(value, list):
        raise where.error(f"{what} must be a list, not {_kind(value)}")
    return value


def _fields(
    mapping: dict, where: _Where, required: tuple[str, ...], optional: tuple[str, ...]
) -> None:
    allowed = required + optional
    for name in mapping:
        if name not in allowed:
            raise where.field(name).error(
                f"unknown field {str(name)!r}; allowed here: {', '.join(allowed)}"
            )
    for name in required:
        if name not in mapping:
            raise where.field(name).error("required field is missing")


def _language(value: object, where: _Where) -> dict[str, str]:
    """A ``{da, en}`` pair: the interface is Danish first, English second, and both are shown."""
    mapping = _mapping(value, where, "a translated text ({da: ..., en: ...})")
    for name in mapping:
        if name not in LANGUAGES:
            raise where.field(name).error(
                f"unknown language {str(name)!r}; a translated text has exactly 'da' and 'en'"
            )
    result = {}
    for code, language in LANGUAGES.items():
        if code not in mapping:
            raise where.field(code).error(f"the {language} translation is missing")
        if not isinstance(mapping[code], str) or not mapping[code].strip():
            raise where.field(code).error(
                f"the {language} translation must be non-empty text, not {_kind(mapping[code])}"
            )
        result[code] = mapping[code].strip()
    return result


def _key(value: object, where: _Where, pattern: re.Pattern, example: str) -> str:
    if not isinstance(value, str):
        raise where.error(f"must be text like {example!r}, not {_kind(value)}")
    if not pattern.match(value):
        raise where.error(f"{value!r} does not match {pattern.pattern} (e.g. {example!r})")
    return value


def parse_questionnaire(text: str) -> dict:
    """Parse and validate one questionnaire file; return the normalised, JSON-safe dict.

    Raises ``QuestionnaireError`` on the first problem found, naming its exact key path.
    """
    if not isinstance(text, str):
        raise QuestionnaireError("", f"the questionnaire must be YAML text, not {_kind(text)}")
    data = _load_yaml(text)
    if data is None:
        raise QuestionnaireError("", "the questionnaire file is empty")
    root = _Where()
    top = _mapping(data, root, "the questionnaire")
    _fields(top, root, _TOP_REQUIRED, _TOP_OPTIONAL)

    key = _key(top["key"], root.field("key"), KEY_PATTERN, "informationssikkerhed")
    year = _year(top["year"], root.field("year"))
    version = _version(top["version"], root.field("version"), year)
    acceptable = _level_number(top["acceptable_level"], root.field("acceptable_level"))
    title = _language(top["title"], root.field("title"))
    description = (
        _language(top["description"], root.field("description"))
        if top.get("description") is not None
        else None
    )

    areas_where = root.field("areas")
    areas = _list(top["areas"], areas_where, "areas")
    if not areas:
        raise areas_where.error("a questionnaire needs at least one area")
    area_seen: dict[str, str] = {}
    question_seen: dict[str, str] = {}
    normalised_areas = [
        _area(raw, areas_where.index(i), area_seen, question_seen) for i, raw in enumerate(areas)
    ]
    return {
        "key": key,
        "year": year,
        "version": version,
        "acceptable_level": acceptable,
        "title": title,
        "description": description,
        "areas": normalised_areas,
    }


def _year(value: object, where: _Where) -> int:
    if not _is_int(value):
        raise where.error(f"must be a whole year such as 2026, not {_kind(value)}")
    if not is_round_year(value):
        raise where.error(f"{value} is not a year between {FIRST_YEAR} and {LAST_YEAR}")
    return value


def _version(value: object, where: _Where, year: int) -> str:
    if not isinstance(value, str):
        raise where.error(
            f'must be a quoted string such as "{year}.1", not {_kind(value)} '
            "(YAML reads an unquoted 2026.1 as a number)"
        )
    match = VERSION_PATTERN.match(value)
    if not match or int(match.group(1)) != year:
        raise where.error(f'{value!r} must start with the year {year}, e.g. "{year}.1"')
    return value


def _level_number(value: object, where: _Where) -> float:
    if not _is_number(value) or not 1 <= value <= 5:
        raise where.error(f"must be a number from 1 to 5, not {value!r}")
    return float(value)


def _area(
    raw: object, where: _Where, area_seen: dict[str, str], question_seen: dict[str, str]
) -> dict:
    area = _mapping(raw, where, "an area")
    if isinstance(area.get("key"), str):
        where = where.labelled(area["key"])
    _fields(area, where, _AREA_REQUIRED, _AREA_OPTIONAL)
    key = _key(area["key"], where.field("key"), KEY_PATTERN, "governance")
    if key in area_seen:
        raise where.field("key").error(
            f"duplicate area key {key!r} (first used at {area_seen[key]})"
        )
    area_seen[key] = str(where)
    title = _language(area["title"], where.field("title"))
    description = (
        _language(area["description"], where.field("description"))
        if area.get("description") is not None
        else None
    )
    questions_where = where.field("questions")
    questions = _list(area["questions"], questions_where, "questions")
    if not questions:
        raise questions_where.error(f"area {key!r} needs at least one question")
    return {
        "key": key,
        "title": title,
        "description": description,
        "questions": [
            _question(raw_q, questions_where.index(i), key, question_seen)
            for i, raw_q in enumerate(questions)
        ],
    }


def _question(raw: object, where: _Where, area_key: str, seen: dict[str, str]) -> dict:
    question = _mapping(raw, where, "a question")
    if isinstance(question.get("key"), str):
        where = where.labelled(question["key"])
    _fields(question, where, _QUESTION_REQUIRED, _QUESTION_OPTIONAL)

    pattern = re.compile(rf"^{re.escape(area_key)}\.[a-z0-9_]+$")
    key = _key(question["key"], where.field("key"), pattern, f"{area_key}.policy")
    if key in seen:
        raise where.field("key").error(
            f"duplicate question key {key!r} (first used at {seen[key]})"
        )
    seen[key] = str(where)

    qtype = question["type"]
    if qtype not in QUESTION_TYPES:
        raise where.field("type").error(
            f"unknown question type {qtype!r}; use one of {', '.join(QUESTION_TYPES)}"
        )
    scope = question["scope"]
    if scope not in SCOPES:
        raise where.field("scope").error(f"scope must be one of {', '.join(SCOPES)}, not {scope!r}")

    weight = question.get("weight", 1)
    if not _is_number(weight) or weight <= 0:
        raise where.field("weight").error(f"weight must be a number greater than 0, not {weight!r}")

    na_allowed = question.get("na_allowed", False)
    if not isinstance(na_allowed, bool):
        raise where.field("na_allowed").error(
            f"must be true or false, not {_kind(na_allowed)} ({na_allowed!r})"
        )

    text = _language(question["text"], where.field("text"))
    help_text = _language(question["help"], where.field("help")) if "help" in question else None

    for name, types in _TYPE_FIELDS.items():
        if name in question and qtype not in types:
            allowed = " and ".join(types)
            raise where.field(name).error(
                f"only {allowed} questions have {name}; this one is {qtype}"
            )

    levels = _levels(question, where) if qtype == "maturity" else None
    options = _options(question, where, qtype) if qtype in _TYPE_FIELDS["options"] else None
    bands = _bands(question["bands"], where.field("bands")) if "bands" in question else None
    unit_label = (
        _language(question["unit_label"], where.field("unit_label"))
        if "unit_label" in question
        else None
    )

    scored = qtype not in ("text", "number") or bands is not None
    if "recommendation" in question:
        recommendation = _language(question["recommendation"], where.field("recommendation"))
    elif scored:
        raise where.field("recommendation").error(
            f"a scored {qtype} question needs a recommendation "
            "(shown when the score is below the acceptable level)"
        )
    else:
        recommendation = None

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
        "references": _references(question.get("references"), where.field("references")),
        "recommendation": recommendation,
    }


def _levels(question: dict, where: _Where) -> dict[str, dict[str, str]]:
    """Maturity levels are the scale itself, so all five must be described, and nothing else."""
    where = where.field("levels")
    if "levels" not in question:
        raise where.error("a maturity question needs levels 1 to 5; none are given")
    raw = _mapping(question["levels"], where, "levels")
    by_level: dict[int, object] = {}
    unexpected = []
    for name, value in raw.items():
        level = name if _is_int(name) else None
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
    return {str(level): _language(by_level[level], where.field(level)) for level in MATURITY_LEVELS}


def _options(question: dict, where: _Where, qtype: str) -> list[dict]:
    where = where.field("options")
    if "options" not in question:
        raise where.error(f"a {qtype} question needs options; none are given")
    raw = _list(question["options"], where, "options")
    if len(raw) < 2:
        raise where.error(f"a {qtype} question needs at least 2 options, not {len(raw)}")
    value_field = "score" if qtype == "single_choice" else "points"
    seen: dict[str, int] = {}
    result = []
    for i, raw_option in enumerate(raw):
        at = where.index(i)
        option = _mapping(raw_option, at, "an option")
        _fields(option, at, ("key", "label", value_field), ())
        key = option["key"]
        if not isinstance(key, str):
            hint = (
                " (quote it: YAML reads yes/no/on/off as true/false)"
                if isinstance(key, bool)
                else ""
            )
            raise at.field("key").error(f"must be text, not {_kind(key)}{hint}")
        key = _key(key, at.field("key"), OPTION_KEY_PATTERN, "weekly")
        if key in seen:
            raise at.field("key").error(
                f"duplicate option key {key!r} (first used at {where}[{seen[key]}])"
            )
        seen[key] = i
        label = _language(option["label"], at.field("label"))
        value = option[value_field]
        if qtype == "single_choice":
            if not _is_int(value) or value not in MATURITY_LEVELS:
                raise at.field("score").error(
                    f"a single_choice option's score must be a whole number from 1 to 5, "
                    f"not {value!r}"
                )
            result.append({"key": key, "label": label, "score": value})
        else:
            if not _is_number(value) or value < 0:
                raise at.field("points").error(
                    f"a multiple_choice option's points must be a number >= 0, not {value!r}"
                )
            result.append({"key": key, "label": label, "points": float(value)})
    if qtype == "multiple_choice" and sum(option["points"] for option in result) <= 0:
        raise where.error(
            "the options' points sum to 0; at least one option needs points greater than 0"
        )
    return result


def _bands(value: object, where: _Where) -> list[dict]:
    """Bands turn a number into a score; they start at 0 so that every answer (>= 0) gets one."""
    raw = _list(value, where, "bands")
    if len(raw) < 2:
        raise where.error(f"a number question's bands need at least 2 steps, not {len(raw)}")
    result: list[dict] = []
    for i, raw_band in enumerate(raw):
        at = where.index(i)
        band = _mapping(raw_band, at, "a band")
        _fields(band, at, ("min", "score"), ())
        minimum, score = band["min"], band["score"]
        if not _is_number(minimum) or minimum < 0:
            raise at.field("min").error(f"min must be a number >= 0, not {minimum!r}")
        if not _is_int(score) or score not in MATURITY_LEVELS:
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


def _references(value: object, where: _Where) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {kind: [] for kind in REFERENCE_KINDS}
    if value is None:
        return result
    refs = _mapping(value, where, "references")
    for kind in refs:
        if kind not in REFERENCE_KINDS:
            raise where.field(kind).error(
                f"unknown reference kind {str(kind)!r}; use {', '.join(REFERENCE_KINDS)}"
            )
    checks = {"iso27001": _check_iso, "nis2": _check_nis2, "cis": _check_cis}
    for kind in REFERENCE_KINDS:
        if kind not in refs:
            continue
        at = where.field(kind)
        items = _list(refs[kind], at, f"{kind} references")
        for i, item in enumerate(items):
            if not isinstance(item, str):
                raise at.index(i).error(
                    f"a reference must be quoted text, not {_kind(item)} ({item!r})"
                )
            if item in result[kind]:
                raise at.index(i).error(f"duplicate reference {item!r}")
            problem = checks[kind](item)
            if problem:
                raise at.index(i).error(problem)
            result[kind].append(item)
    return result


def _check_iso(ref: str) -> str | None:
    match = ISO_PATTERN.match(ref)
    if not match:
        return f"{ref!r} is not an ISO/IEC 27001:2022 Annex A control like 'A.5.15'"
    theme, number = int(match.group(1)), int(match.group(2))
    if not 1 <= number <= ISO_THEME_SIZES[theme]:
        return (
            f"{ref!r} does not exist: Annex A theme {theme} of ISO/IEC 27001:2022 runs from "
            f"A.{theme}.1 to A.{theme}.{ISO_THEME_SIZES[theme]}"
        )
    return None


def _check_nis2(ref: str) -> str | None:
    if not NIS2_PATTERN.match(ref):
        return f"{ref!r} is not a NIS2 article 21(2) measure like '21(2)(a)' (letters a to j)"
    return None


def _check_cis(ref: str) -> str | None:
    match = CIS_PATTERN.match(ref)
    if not match:
        return f"{ref!r} is not a CIS Controls v8 control or safeguard like '14.1'"
    if not 1 <= int(match.group(1)) <= CIS_CONTROLS:
        return f"{ref!r} does not exist: CIS Controls v8 has controls 1 to {CIS_CONTROLS}"
    return None


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
