"""One Danish term, one meaning: the glossary the importer checks (issue 14's wording faults)."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.survey.glossary import check_wording, parse_glossary, shipped_glossary
from services.survey.questionnaire_format import load_questionnaire_file, parse_questionnaire
from tests.support.questionnaires import assert_error, base_doc, dump, error_of, question

DATA = Path(__file__).resolve().parents[2] / "data" / "questionnaires"
DPIA = "konsekvensanalyse vedrørende databeskyttelse"
BIA = "forretningsmæssig konsekvensanalyse"


def _set_help(doc: dict, text: str) -> None:
    question(doc)["help"] = {"da": text, "en": "help"}


def _set_text(doc: dict, text: str) -> None:
    question(doc)["text"] = {"da": text, "en": "text"}


def _set_level(doc: dict, text: str) -> None:
    question(doc)["levels"][3] = {"da": text, "en": "level 3"}


def _set_option(doc: dict, text: str) -> None:
    question(doc, 2, 1)["options"][1]["label"] = {"da": text, "en": "yearly"}


def _set_recommendation(doc: dict, text: str) -> None:
    question(doc)["recommendation"] = {"da": text, "en": "do it"}


FORBIDDEN = [
    # (where the text goes, the Danish text, the path refused, the preferred forms named)
    (
        _set_text,
        "Gennemføres der konsekvensanalyser?",
        "areas[2].questions[4].text.da",
        (DPIA, BIA),
    ),
    (_set_help, "Se efter Konsekvensanalysen.", "areas[2].questions[4].help.da", (DPIA, BIA)),
    (
        _set_help,
        "Svar N/A, hvis der ingen er.",
        "areas[2].questions[4].help.da",
        ("Ikke relevant",),
    ),
    (
        _set_level,
        "Årlig ledelsesevaluering.",
        "areas[2].questions[4].levels.3.da",
        ("ledelsens evaluering", "vurdering af ledernes indsats"),
    ),
    (
        _set_option,
        "Indgår i ledelsesevalueringen",
        "areas[2].questions[1].options[1].label.da",
        ("ledelsens evaluering",),
    ),
    (
        _set_recommendation,
        "Sørg for, at den er offentliggjort\n for  alle medarbejdere.",
        "areas[2].questions[4].recommendation.da",
        ("gjort tilgængelig for alle medarbejdere",),
    ),
]


@pytest.mark.parametrize(("place", "text", "path", "preferred"), FORBIDDEN)
def test_a_forbidden_form_is_refused_naming_question_field_and_preferred_term(
    place, text, path, preferred
):
    doc = base_doc()
    place(doc, text)
    error = error_of(doc)
    label = "risk.reporting" if "questions[1]" in path else "risk.assessment"
    assert_error(error, path, f"({label})", *(repr(form) for form in preferred))


def test_texts_outside_questions_are_checked_too():
    doc = base_doc()
    doc["areas"][2]["description"] = {"da": "Risici og N/A-svar.", "en": "Risks."}
    assert_error(error_of(doc), "areas[2].description.da", "(risk)", "'Ikke relevant'")
    doc = base_doc()
    doc["title"] = {"da": "Ledelsesevaluering", "en": "Management review"}
    assert_error(error_of(doc), "title.da", "'ledelsens evaluering'")


def test_preferred_forms_and_their_inflections_pass():
    doc = base_doc()
    _set_text(doc, f"Gennemføres der konsekvensanalyser vedrørende databeskyttelse og en {BIA}?")
    _set_help(
        doc,
        f"Svar 'Ikke relevant', hvis ingen. Se {DPIA} og forretningsmæssige konsekvensanalyser.",
    )
    _set_level(doc, "Ledelsens evaluering og vurdering af ledernes indsats sker årligt.")
    _set_recommendation(doc, "Sørg for, at den er gjort tilgængelig for alle medarbejdere.")
    _set_option(doc, "Konsekvensanalysen vedrørende databeskyttelse er godkendt")
    parse_questionnaire(dump(doc))


def test_every_preferred_form_of_the_shipped_glossary_passes():
    glossary = shipped_glossary()
    doc = base_doc()
    _set_help(doc, " ".join(da for term in glossary.terms for da, _ in term.preferred))
    parse_questionnaire(dump(doc))


def test_english_texts_are_not_checked():
    doc = base_doc()
    question(doc)["help"] = {"da": "Svar 'Ikke relevant', hvis ingen.", "en": "Use N/A if none."}
    parse_questionnaire(dump(doc))


def test_questionnaires_before_2026_are_not_checked_as_fielded():
    doc = base_doc()
    doc["year"], doc["version"] = 2025, "2025.1"
    _set_help(doc, "N/A, hvis forvaltningen ikke har taget konsekvensanalyse i brug.")
    assert parse_questionnaire(dump(doc))["year"] == 2025
    doc["year"], doc["version"] = 2026, "2026.1"
    assert_error(error_of(doc), "areas[2].questions[4].help.da", "konsekvensanalyse")


def test_the_shipped_2026_questionnaire_keeps_to_the_glossary():
    check_wording(load_questionnaire_file(DATA / "2026.yaml"))


GLOSSARY = """
first_year: 2026
terms:
  - key: ikke_relevant
    problem: the form says Ikke relevant
    forbidden: [{form}]
    preferred:
      - {{da: "Ikke relevant", meaning: "not applicable"}}
"""


@pytest.mark.parametrize(
    ("form", "problem"),
    [
        ("'N/A('", "'ikke_relevant': 'N/A(' is not a valid pattern"),
        ("'Ikke'", "'ikke_relevant': the preferred form 'Ikke relevant' is forbidden"),
    ],
)
def test_a_broken_glossary_is_refused_naming_the_term(form, problem):
    with pytest.raises(ValueError) as caught:
        parse_glossary(GLOSSARY.format(form=form))
    assert problem in str(caught.value)


def test_a_glossary_without_forbidden_forms_is_refused():
    with pytest.raises(ValueError, match="needs at least one forbidden form"):
        parse_glossary(GLOSSARY.format(form=""))
