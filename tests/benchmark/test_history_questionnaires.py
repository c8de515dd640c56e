"""The earlier questionnaires 2021-2024: valid, and a believable path to 2025 and 2026."""

import pytest

from services.common.config import DATA_DIR
from services.common.questionnaire import compare_versions
from services.survey.questionnaire_format import load_questionnaire_file

YEARS = (2021, 2022, 2023, 2024, 2025, 2026)


@pytest.fixture(scope="module")
def questionnaires() -> dict[int, dict]:
    return {y: load_questionnaire_file(DATA_DIR / "questionnaires" / f"{y}.yaml") for y in YEARS}


def keys(definition: dict) -> set[str]:
    return {q["key"] for a in definition["areas"] for q in a["questions"]}


def test_every_year_is_valid_and_versioned(questionnaires):
    for year, definition in questionnaires.items():
        assert definition["year"] == year
        assert definition["version"] == f"{year}.1"
        assert definition["key"] == "informationssikkerhed"
        assert str(year) in definition["title"]["da"]
        assert [a["key"] for a in definition["areas"]] == [
            "governance",
            "ownership",
            "risk",
            "awareness",
            "suppliers",
            "technical",
        ]
    assert [len(keys(questionnaires[y])) for y in YEARS] == [45, 48, 51, 53, 55, 58]


def test_each_year_changes_a_little(questionnaires):
    for old, new in zip(YEARS, YEARS[1:], strict=False):
        changes = compare_versions(questionnaires[old], questionnaires[new])
        assert changes["added"], (old, new)
        assert not changes["retyped"] and not changes["rescoped"]
        shares = [a["share"] for a in changes["areas"]]
        assert min(shares) >= 0.7 and min(shares) < 1.0


def test_retired_questions_and_rewordings(questionnaires):
    assert "technical.firewall" in keys(questionnaires[2024])
    assert "technical.firewall" not in keys(questionnaires[2025])
    assert "governance.security_officer" in keys(questionnaires[2022])
    assert "governance.security_officer" not in keys(questionnaires[2023])
    assert "technical.mfa" not in keys(questionnaires[2021])
    reworded = compare_versions(questionnaires[2023], questionnaires[2024])["reworded"]
    assert set(reworded) == {"governance.policy", "awareness.programme"}
