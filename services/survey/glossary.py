"""One Danish term, one meaning: the glossary the importer checks, from 2026 on.

Coordinators answer alone, from the words on the form; a term that means a DPIA in one question
and a business impact analysis in the next makes two answers to incomparable questions. In
plain words (the glossary is ``data/questionnaires/glossary.yaml``):

* the glossary lists terms with the forbidden ambiguous forms (regular expressions, matched
  without regard to case) and the preferred forms with their meaning;
* every Danish text of a normalised questionnaire (titles, descriptions, question texts, help,
  level texts, option labels, unit labels, recommendations, notes) is checked, and the first
  forbidden form found is refused with the question key, the field and the preferred form(s);
* only questionnaires from the glossary's ``first_year`` (2026) on are checked: older files are
  the record of what was asked in their year and stay as they were fielded;
* a glossary that is malformed (a forbidden form that is not a valid expression, a term without
  a preferred form) is refused with the term named, so a broken glossary never checks nothing.

Pure module: YAML and the standard library only, no nameko or Flask.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from services.common.config import DATA_DIR
from services.survey import format_checks as checks

GLOSSARY_PATH = DATA_DIR / "questionnaires" / "glossary.yaml"

_TOP_FIELDS = ("first_year", "terms")
_TERM_FIELDS = ("key", "problem", "forbidden", "preferred")
_PREFERRED_FIELDS = ("da", "meaning")
# Fields under which the questionnaire's question and area keys name the place in an error.
_LABELLED_LISTS = ("areas", "questions")


@dataclass(frozen=True)
class Term:
    """A term with one meaning per preferred form, and the forms that blur them."""

    key: str
    problem: str
    forbidden: tuple[re.Pattern, ...]
    preferred: tuple[tuple[str, str], ...]

    def advice(self) -> str:
        forms = " or ".join(f"{da!r} ({meaning})" for da, meaning in self.preferred)
        return f"{self.problem}; write {forms}"


@dataclass(frozen=True)
class Glossary:
    first_year: int
    terms: tuple[Term, ...]


def parse_glossary(text: str) -> Glossary:
    """Parse and validate the glossary file; a malformed entry is a ``ValueError`` naming it."""
    data = checks.load_yaml(text)
    if not isinstance(data, dict) or set(data) != set(_TOP_FIELDS):
        raise ValueError(f"the glossary must have exactly the fields {', '.join(_TOP_FIELDS)}")
    if not checks.is_int(data["first_year"]):
        raise ValueError(f"glossary first_year must be a year, not {data['first_year']!r}")
    if not isinstance(data["terms"], list) or not data["terms"]:
        raise ValueError("the glossary needs at least one term")
    return Glossary(data["first_year"], tuple(_term(raw, i) for i, raw in enumerate(data["terms"])))


def _term(raw: object, position: int) -> Term:
    if not isinstance(raw, dict) or set(raw) != set(_TERM_FIELDS):
        raise ValueError(
            f"glossary term {position} must have exactly the fields {', '.join(_TERM_FIELDS)}"
        )
    key = raw["key"]
    forbidden = raw["forbidden"]
    preferred = raw["preferred"]
    if not isinstance(forbidden, list) or not forbidden:
        raise ValueError(f"glossary term {key!r} needs at least one forbidden form")
    if not isinstance(preferred, list) or not preferred:
        raise ValueError(f"glossary term {key!r} needs at least one preferred form")
    patterns = []
    for form in forbidden:
        try:
            patterns.append(re.compile(str(form), re.IGNORECASE))
        except re.error as exc:
            raise ValueError(
                f"glossary term {key!r}: {form!r} is not a valid pattern: {exc}"
            ) from exc
    forms = []
    for entry in preferred:
        if not isinstance(entry, dict) or set(entry) != set(_PREFERRED_FIELDS):
            raise ValueError(f"glossary term {key!r}: a preferred form has exactly da and meaning")
        forms.append((str(entry["da"]), str(entry["meaning"])))
    for da, _meaning in forms:
        if any(pattern.search(da) for pattern in patterns):
            raise ValueError(f"glossary term {key!r}: the preferred form {da!r} is forbidden")
    return Term(str(key), " ".join(str(raw["problem"]).split()), tuple(patterns), tuple(forms))


@lru_cache(maxsize=1)
def shipped_glossary() -> Glossary:
    """The glossary shipped with the platform, read once per process."""
    return parse_glossary(Path(GLOSSARY_PATH).read_text("utf-8"))


def check_wording(questionnaire: dict, glossary: Glossary | None = None) -> None:
    """Refuse a forbidden form in any Danish text of a normalised questionnaire.

    Raises ``QuestionnaireError`` naming the field (``areas[0].questions[2] (risk.dpia).help.da``),
    the form found and the preferred form(s). Years before ``first_year`` are not checked.
    """
    glossary = glossary or shipped_glossary()
    if questionnaire["year"] < glossary.first_year:
        return
    for where, text in _danish_texts(questionnaire, checks.Where()):
        for term in glossary.terms:
            for pattern in term.forbidden:
                found = pattern.search(text)
                if found:
                    raise where.error(f"{found.group(0)!r}: {term.advice()}")


def _danish_texts(value: object, where: checks.Where, parent: str = ""):
    """Every Danish text under ``value`` with its place, in file order."""
    if isinstance(value, dict):
        if parent in _LABELLED_LISTS and isinstance(value.get("key"), str):
            where = where.labelled(value["key"])
        for name, item in value.items():
            if name == "da" and isinstance(item, str):
                yield where.field(name), item
            else:
                yield from _danish_texts(item, where.field(name), name)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _danish_texts(item, where.index(i), parent)
