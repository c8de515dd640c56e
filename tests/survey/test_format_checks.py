"""The checks every part of a questionnaire file gets (``format_checks``): strict YAML, errors
that name their place, translated texts; driven through ``parse_questionnaire``."""

from __future__ import annotations

import json
import re

from tests.support.questionnaires import (
    ASSESSMENT,
    ASSESSMENT_LABEL,
    assert_error,
    base_doc,
    dump,
    error_of,
    question,
)


def test_error_is_a_value_error_with_path_and_problem():
    doc = base_doc()
    question(doc)["colour"] = "red"
    error = error_of(doc)
    assert isinstance(error, ValueError)
    assert error.problem.startswith("unknown field 'colour'")
    assert str(error) == f"{ASSESSMENT_LABEL}.colour: {error.problem}"


def test_error_args_are_json_safe_path_and_problem():
    doc = base_doc()
    question(doc)["colour"] = "red"
    error = error_of(doc)
    assert error.args == (f"{ASSESSMENT}.colour", error.problem)
    assert json.loads(json.dumps(error.args)) == list(error.args)


def test_missing_english_translation():
    doc = base_doc()
    del question(doc)["text"]["en"]
    assert_error(
        error_of(doc),
        f"{ASSESSMENT}.text.en",
        f"{ASSESSMENT_LABEL}.text.en: the English translation is missing",
    )


def test_empty_danish_translation():
    doc = base_doc()
    question(doc)["help"] = {"da": "   ", "en": "Why"}
    assert_error(error_of(doc), f"{ASSESSMENT}.help.da", "Danish translation must be non-empty")


def test_unknown_language():
    doc = base_doc()
    doc["title"]["de"] = "Titel"
    assert_error(error_of(doc), "title.de", "unknown language 'de'")


def test_translated_text_must_be_a_mapping():
    doc = base_doc()
    question(doc)["recommendation"] = "Gør noget"
    assert_error(error_of(doc), f"{ASSESSMENT}.recommendation", "must be a mapping")


def test_yaml_syntax_error_names_the_line():
    text = dump(base_doc())
    lines = text.splitlines()
    broken_line = next(i for i, line in enumerate(lines) if "risk.reporting" in line)
    lines[broken_line] = lines[broken_line] + ": [unclosed"
    error = error_of("\n".join(lines))
    assert error.line is not None
    assert abs(error.line - (broken_line + 1)) <= 2
    assert f"YAML syntax error at line {error.line}" in str(error)
    assert error.path == ""


def test_yaml_syntax_error_small_file():
    error = error_of("key: informationssikkerhed\nyear: 2026\n  version: '2026.1'\n")
    assert error.line == 3
    assert "line 3" in str(error)


def test_duplicate_yaml_key_is_not_silently_dropped():
    original = dump(base_doc())
    text = re.sub(r"(?m)^( +)type: yes_partly_no\n", r"\g<0>\1type: maturity\n", original, count=1)
    assert text != original
    error = error_of(text)
    assert "duplicate key 'type'" in str(error)
    assert error.line is not None


def test_empty_file():
    assert "empty" in str(error_of(""))


def test_top_level_must_be_a_mapping():
    assert_error(error_of("- a\n- b\n"), "", "must be a mapping, not a list")
