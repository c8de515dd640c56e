"""Small questionnaires for tests: ``SMALL_2026`` (YAML for service tests: every type, both
scopes, N/A, weights) and ``base_doc()`` (a dict for the format's rule tests and comparisons)."""

import pytest
import yaml

from services.survey.questionnaire_format import QuestionnaireError, parse_questionnaire

SMALL_2026 = """
key: informationssikkerhed
year: 2026
version: "2026.1"
acceptable_level: 3
title: {da: "Testspørgeramme", en: "Test questionnaire"}
description: {da: "Til test.", en: "For tests."}
areas:
  - key: governance
    title: {da: "Ledelse", en: "Governance"}
    description: {da: "Ledelse og styring.", en: "Governance and management."}
    questions:
      - key: governance.policy
        type: maturity
        scope: municipality
        weight: 2
        text: {da: "Er der en politik?", en: "Is there a policy?"}
        help: {da: "Se efter en godkendt politik.", en: "Look for an approved policy."}
        na_allowed: false
        levels:
          1: {da: "Ingen", en: "None"}
          2: {da: "Udkast", en: "Draft"}
          3: {da: "Godkendt", en: "Approved"}
          4: {da: "Fulgt op", en: "Followed up"}
          5: {da: "Forbedret løbende", en: "Continually improved"}
        references: {iso27001: ["A.5.1"], nis2: ["21(2)(a)"], cis: ["14.1"]}
        recommendation: {da: "Få politikken godkendt.", en: "Get the policy approved."}
      - key: governance.reporting
        type: yes_partly_no
        scope: municipality
        weight: 1
        text: {da: "Rapporteres der til ledelsen?", en: "Is management reported to?"}
        help: {da: "Årlig rapport.", en: "Annual report."}
        na_allowed: true
        references: {iso27001: ["A.5.4"], nis2: ["21(2)(f)"], cis: []}
        recommendation: {da: "Rapportér årligt.", en: "Report annually."}
      - key: governance.notes
        type: text
        scope: municipality
        weight: 1
        text: {da: "Bemærkninger", en: "Notes"}
        help: {da: "Fritekst.", en: "Free text."}
        na_allowed: false
        references: {iso27001: [], nis2: [], cis: []}
  - key: ownership
    title: {da: "Ejerskab", en: "Ownership"}
    description: {da: "System- og dataejere.", en: "System and data owners."}
    questions:
      - key: ownership.owners
        type: single_choice
        scope: unit
        weight: 3
        text: {da: "Har systemerne ejere?", en: "Do the systems have owners?"}
        help: {da: "Navngivne ejere.", en: "Named owners."}
        na_allowed: false
        options:
          - {key: none, label: {da: "Ingen", en: "None"}, score: 1}
          - {key: some, label: {da: "Nogle", en: "Some"}, score: 3}
          - {key: all, label: {da: "Alle", en: "All"}, score: 5}
        references: {iso27001: ["A.5.9"], nis2: ["21(2)(i)"], cis: ["1.1"]}
        recommendation: {da: "Udpeg ejere.", en: "Name owners."}
      - key: ownership.controls
        type: multiple_choice
        scope: unit
        weight: 1
        text: {da: "Hvilke kontroller?", en: "Which controls?"}
        help: {da: "Vælg alle.", en: "Choose all."}
        na_allowed: true
        options:
          - {key: access, label: {da: "Adgang", en: "Access"}, points: 1}
          - {key: backup, label: {da: "Backup", en: "Backup"}, points: 1}
        references: {iso27001: ["A.5.15"], nis2: ["21(2)(i)"], cis: ["6.1"]}
        recommendation: {da: "Indfør kontroller.", en: "Introduce controls."}
      - key: ownership.training
        type: number
        scope: unit
        weight: 1
        text: {da: "Andel uddannet (%)", en: "Share trained (%)"}
        help: {da: "Procent.", en: "Percent."}
        na_allowed: false
        bands:
          - {min: 0, score: 1}
          - {min: 50, score: 3}
          - {min: 90, score: 5}
        unit_label: {da: "%", en: "%"}
        references: {iso27001: ["A.6.3"], nis2: ["21(2)(g)"], cis: ["14.1"]}
        recommendation: {da: "Uddan flere.", en: "Train more."}
"""


def lang(text: str) -> dict:
    return {"da": f"{text} (da)", "en": f"{text} (en)"}


def levels() -> dict:
    return {level: lang(f"level {level}") for level in range(1, 6)}


def base_doc() -> dict:
    """A small valid questionnaire; risk (areas[2]) holds one question of every type."""
    return {
        "key": "informationssikkerhed",
        "year": 2026,
        "version": "2026.1",
        "acceptable_level": 3,
        "title": lang("title"),
        "description": lang("description"),
        "areas": [
            {
                "key": "governance",
                "title": lang("governance"),
                "questions": [
                    {
                        "key": "governance.policy",
                        "type": "maturity",
                        "scope": "municipality",
                        "weight": 2,
                        "text": lang("policy"),
                        "help": lang("why"),
                        "levels": levels(),
                        "references": {"iso27001": ["A.5.1"], "nis2": ["21(2)(a)"]},
                        "recommendation": lang("write one"),
                    }
                ],
            },
            {
                "key": "ownership",
                "title": lang("ownership"),
                "questions": [
                    {
                        "key": "ownership.inventory",
                        "type": "yes_partly_no",
                        "scope": "unit",
                        "text": lang("inventory"),
                        "recommendation": lang("make one"),
                    }
                ],
            },
            {
                "key": "risk",
                "title": lang("risk"),
                "description": lang("risk description"),
                "questions": [
                    {
                        "key": "risk.acceptance",
                        "type": "yes_partly_no",
                        "scope": "municipality",
                        "text": lang("acceptance"),
                        "recommendation": lang("decide"),
                    },
                    {
                        "key": "risk.reporting",
                        "type": "single_choice",
                        "scope": "municipality",
                        "text": lang("reporting"),
                        "options": [
                            {"key": "never", "label": lang("never"), "score": 1},
                            {"key": "yearly", "label": lang("yearly"), "score": 3},
                            {"key": "quarterly", "label": lang("quarterly"), "score": 5},
                        ],
                        "recommendation": lang("report"),
                    },
                    {
                        "key": "risk.sources",
                        "type": "multiple_choice",
                        "scope": "municipality",
                        "text": lang("sources"),
                        "options": [
                            {"key": "cert", "label": lang("cert"), "points": 2},
                            {"key": "network", "label": lang("network"), "points": 1.5},
                            {"key": "news", "label": lang("news"), "points": 0},
                        ],
                        "recommendation": lang("subscribe"),
                    },
                    {
                        "key": "risk.downtime",
                        "type": "number",
                        "scope": "unit",
                        "text": lang("downtime"),
                        "unit_label": {"da": "timer", "en": "hours"},
                        "bands": [{"min": 0, "score": 5}, {"min": 24, "score": 3}],
                        "recommendation": lang("test"),
                    },
                    {
                        "key": "risk.assessment",
                        "type": "maturity",
                        "scope": "unit",
                        "weight": 3,
                        "na_allowed": True,
                        "text": lang("assessment"),
                        "levels": levels(),
                        "references": {"iso27001": ["A.5.34"], "cis": ["3.2", "14.1"]},
                        "recommendation": lang("assess"),
                    },
                    {
                        "key": "risk.notes",
                        "type": "text",
                        "scope": "municipality",
                        "text": lang("notes"),
                    },
                ],
            },
        ],
    }


def dump(doc: dict) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def question(doc: dict, area: int = 2, index: int = 4) -> dict:
    return doc["areas"][area]["questions"][index]


# The question the format tests damage (``question(doc)``), as an error's path names it.
ASSESSMENT = "areas[2].questions[4]"
ASSESSMENT_LABEL = "areas[2].questions[4] (risk.assessment)"


def error_of(doc: dict | str) -> QuestionnaireError:
    """The error that parsing ``doc`` (a dict, dumped, or YAML text) raises; fails if none."""
    text = doc if isinstance(doc, str) else dump(doc)
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(text)
    return caught.value


def assert_error(error: QuestionnaireError, path: str, *phrases: str) -> None:
    assert error.path == path
    message = str(error)
    for phrase in phrases:
        assert phrase in message, message
