"""Reading a hand-written questionnaire file strictly, and the checks every part of it uses.

Pure: YAML and the standard library only. Every error is a ``QuestionnaireError`` naming the
exact key path (``areas[2].questions[4] (risk.assessment).levels``) and what is wrong, in words
an author of the file understands (``text``, ``a list``, ``true/false``), so the file can be
fixed without guessing. Duplicate YAML keys are refused instead of the last one silently
winning; a translated text has exactly a Danish and an English text, both non-empty.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

LANGUAGES = {"da": "Danish", "en": "English"}


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


class Where:
    """A key path under construction, with the question (or area) key for the message."""

    def __init__(self, parts: tuple[str, ...] = (), labels: tuple[str | None, ...] = ()) -> None:
        self.parts = parts
        self.labels = labels

    def field(self, name: object) -> Where:
        text = str(name) if not self.parts else f".{name}"
        return Where((*self.parts, text), (*self.labels, None))

    def index(self, position: int) -> Where:
        return Where((*self.parts, f"[{position}]"), (*self.labels, None))

    def labelled(self, label: str) -> Where:
        return Where(self.parts, (*self.labels[:-1], label))

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


def load_yaml(text: str) -> Any:
    """The YAML document, duplicate keys refused; a syntax error names its line."""
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


def kind(value: object) -> str:
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


def is_number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def mapping(value: object, where: Where, what: str) -> dict:
    if not isinstance(value, dict):
        raise where.error(f"{what} must be a mapping, not {kind(value)}")
    return value


def as_list(value: object, where: Where, what: str) -> list:
    if not isinstance(value, list):
        raise where.error(f"{what} must be a list, not {kind(value)}")
    return value


def check_fields(
    found: dict, where: Where, required: tuple[str, ...], optional: tuple[str, ...]
) -> None:
    """Refuse an unknown field (listing the allowed ones), then a missing required one."""
    allowed = required + optional
    for name in found:
        if name not in allowed:
            raise where.field(name).error(
                f"unknown field {str(name)!r}; allowed here: {', '.join(allowed)}"
            )
    for name in required:
        if name not in found:
            raise where.field(name).error("required field is missing")


def language(value: object, where: Where) -> dict[str, str]:
    """A ``{da, en}`` pair: the interface is Danish first, English second, and both are shown."""
    texts = mapping(value, where, "a translated text ({da: ..., en: ...})")
    for name in texts:
        if name not in LANGUAGES:
            raise where.field(name).error(
                f"unknown language {str(name)!r}; a translated text has exactly 'da' and 'en'"
            )
    result = {}
    for code, name in LANGUAGES.items():
        if code not in texts:
            raise where.field(code).error(f"the {name} translation is missing")
        if not isinstance(texts[code], str) or not texts[code].strip():
            raise where.field(code).error(
                f"the {name} translation must be non-empty text, not {kind(texts[code])}"
            )
        result[code] = texts[code].strip()
    return result


def key(value: object, where: Where, pattern: re.Pattern, example: str) -> str:
    """A key of the file (questionnaire, area, question, option) matching its pattern."""
    if not isinstance(value, str):
        raise where.error(f"must be text like {example!r}, not {kind(value)}")
    if not pattern.match(value):
        raise where.error(f"{value!r} does not match {pattern.pattern} (e.g. {example!r})")
    return value
