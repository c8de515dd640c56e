"""The answering form: which questions a page shows, reading the posted form, finding changes.

Plain functions without Flask, so the rules that decide what is sent to survey (only changed
answers) and where an error is shown (next to the right question) are easy to test.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MAX_TEXT = 5000
MAX_NOTE = 2000
MAX_NUMBER = 1e9
NONE_CHOSEN = "__none__"
THOUSANDS = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+")
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
FIELD_PATH = re.compile(r"^answers(?:\[(\d+)\]|\.(\d+))(?:\.(\w+))?")


@dataclass
class Entry:
    """What the user entered for one question, both as typed and as the value to save."""

    raw_value: Any = None
    value: Any = None
    na: bool = False
    justification: str = ""
    comment: str = ""

    def as_answer(self, question_key: str, unit_id: int | None) -> dict:
        return {
            "question_key": question_key,
            "unit_id": unit_id,
            "value": None if self.na else self.value,
            "na": self.na,
            "justification": self.justification.strip() or None,
            "comment": self.comment.strip() or None,
        }

    def is_blank(self) -> bool:
        return (
            self.value is None
            and not self.na
            and not self.justification.strip()
            and not self.comment.strip()
        )


@dataclass
class ParsedForm:
    entries: dict[str, Entry] = field(default_factory=dict)
    errors: dict[str, dict[str, str]] = field(default_factory=dict)

    def add_error(self, question_key: str, part: str, message_key: str) -> None:
        self.errors.setdefault(question_key, {})[part] = message_key


def questions_for(questionnaire: dict, area_key: str, unit_id: int | None) -> list[dict]:
    """The area's questions for one scope: unit questions for a unit, else municipal ones."""
    scope = "municipality" if unit_id is None else "unit"
    for area in questionnaire["areas"]:
        if area["key"] == area_key:
            return [q for q in area["questions"] if q["scope"] == scope]
    return []


def is_answered(answer: Mapping | None) -> bool:
    return bool(answer) and (bool(answer.get("na")) or answer.get("value") is not None)


def area_progress(questionnaire: dict, unit_id: int | None, answers: list[dict]) -> list[dict]:
    """Answered of expected per area, for the scope the page shows."""
    by_key = {a["question_key"]: a for a in answers if a.get("unit_id") == unit_id}
    result = []
    for area in questionnaire["areas"]:
        questions = questions_for(questionnaire, area["key"], unit_id)
        answered = sum(is_answered(by_key.get(q["key"])) for q in questions)
        result.append({"key": area["key"], "answered": answered, "expected": len(questions)})
    return result


def entry_from_answer(answer: Mapping | None) -> Entry:
    """The saved answer shown in the form before the user changes anything."""
    if not answer:
        return Entry()
    value = answer.get("value")
    return Entry(
        raw_value=value,
        value=value,
        na=bool(answer.get("na")),
        justification=answer.get("justification") or "",
        comment=answer.get("comment") or "",
    )


def _parse_number(raw: str) -> float | int:
    """Accept Danish and English writing: ``2,5``, ``2.5``, ``1.000`` and ``1.000,5``."""
    text = raw.strip().replace(" ", "").replace("\u00a0", "")
    if "." in text and "," in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal == "," else ",", "").replace(",", ".")
    elif THOUSANDS.fullmatch(text):
        text = text.replace(".", "")
    else:
        text = text.replace(",", ".")
    if not NUMBER.fullmatch(text):
        raise ValueError(raw)
    number = float(text)
    # A 400-digit number is infinite as a float: kept so the range check refuses it.
    return int(number) if "." not in text and math.isfinite(number) else number


def _parse_choices(question: dict, form: Mapping, name: str, saved: Mapping | None) -> Entry:
    """Ticked options; "none of these" (or unticking a saved answer) is an empty list."""
    chosen = set(form.getlist(name)) if hasattr(form, "getlist") else {form.get(name)}
    keys = [o["key"] for o in question.get("options") or [] if o["key"] in chosen]
    entry = Entry(raw_value=keys)
    if keys:
        entry.value = keys
    elif NONE_CHOSEN in chosen or (saved is not None and saved.get("value") is not None):
        entry.value = []
    return entry


def _parse_value(
    question: dict, form: Mapping, name: str, parsed: ParsedForm, saved: Mapping | None
) -> Entry:
    kind = question["type"]
    key = question["key"]
    if kind == "multiple_choice":
        return _parse_choices(question, form, name, saved)
    entry = Entry()
    raw = (form.get(name) or "").strip() if kind != "text" else form.get(name) or ""
    entry.raw_value = raw
    if kind == "text":
        entry.value = raw.strip() or None
        if len(raw) > MAX_TEXT:
            parsed.add_error(key, "value", "answer.error.text_too_long")
    elif raw == "":
        entry.value = None
    elif kind == "maturity":
        entry.value = int(raw) if raw in {"1", "2", "3", "4", "5"} else None
        if entry.value is None:
            parsed.add_error(key, "value", "answer.error.invalid_choice")
    elif kind == "number":
        try:
            entry.value = _parse_number(raw)
        except ValueError:
            parsed.add_error(key, "value", "answer.error.not_a_number")
        else:
            if not 0 <= entry.value <= MAX_NUMBER:
                parsed.add_error(key, "value", "answer.error.number_range")
    else:
        entry.value = raw
    return entry


def parse_form(
    form: Mapping, questions: list[dict], saved: Mapping[str, Mapping] | None = None
) -> ParsedForm:
    """Read the posted inputs of the shown questions and check what can be checked here."""
    parsed = ParsedForm()
    saved = saved or {}
    for question in questions:
        key = question["key"]
        entry = _parse_value(question, form, f"value-{key}", parsed, saved.get(key))
        entry.na = bool(question.get("na_allowed")) and form.get(f"na-{key}") == "1"
        entry.justification = form.get(f"justification-{key}") or ""
        entry.comment = form.get(f"comment-{key}") or ""
        if entry.na and not entry.justification.strip():
            parsed.add_error(key, "justification", "answer.error.justification_needed")
        if len(entry.justification) > MAX_NOTE:
            parsed.add_error(key, "justification", "answer.error.note_too_long")
        if len(entry.comment) > MAX_NOTE:
            parsed.add_error(key, "comment", "answer.error.note_too_long")
        parsed.entries[key] = entry
    return parsed


def _comparable(answer: Mapping) -> tuple:
    value = answer.get("value")
    if isinstance(value, str):
        value = value.strip()
    return (
        None if answer.get("na") else value,
        bool(answer.get("na")),
        (answer.get("justification") or "").strip() or None,
        (answer.get("comment") or "").strip() or None,
    )


def changed_answers(
    entries: dict[str, Entry], saved: Mapping[str, Mapping], unit_id: int | None
) -> list[dict]:
    """Answers to send: new ones with content, changed ones, and copied drafts (confirmed)."""
    changes = []
    for key, entry in entries.items():
        old = saved.get(key)
        new = entry.as_answer(key, unit_id)
        if old is None:
            if not entry.is_blank():
                changes.append(new)
        elif _comparable(old) != _comparable(new) or old.get("draft"):
            changes.append(new)
    return changes


def locate_error(field_path: str | None, sent: list[dict]) -> tuple[str | None, str]:
    """Map survey's ``answers[3].value`` to (question key, part) of the batch that was sent."""
    match = FIELD_PATH.match(field_path or "")
    if not match:
        return None, "value"
    index = int(match.group(1) or match.group(2))
    part = match.group(3) or "value"
    if index >= len(sent):
        return None, part
    return sent[index]["question_key"], part
