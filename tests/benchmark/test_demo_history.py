"""The demo history generator: deterministic, valid, with trends, spread and drop-outs, and
scaling to synthetic municipalities."""

from statistics import mean, pstdev

import pytest

from services.common.config import DATA_DIR
from services.common.municipalities import REGIONS, load_municipalities
from services.scoring.rules import compute_scores
from services.survey.answers import check_batch
from services.survey.questionnaire_format import load_questionnaire_file
from tools import demo_history

UNITS = [11, 12, 13]


@pytest.fixture(scope="module")
def questionnaires() -> dict[int, dict]:
    return {
        y: load_questionnaire_file(DATA_DIR / "questionnaires" / f"{y}.yaml")
        for y in demo_history.HISTORY_YEARS
    }


@pytest.fixture(scope="module")
def profiles() -> dict[int, demo_history.Profile]:
    return {
        m["id"]: demo_history.profile(
            m, demo_history.DEMO_PINS.get(m["id"]), always=m["id"] in demo_history.DEMO_PINS
        )
        for m in load_municipalities()
    }


def test_same_input_same_answers(questionnaires, profiles):
    first = demo_history.answers(questionnaires[2023], profiles[101], UNITS)
    again = demo_history.answers(questionnaires[2023], profiles[101], UNITS)
    assert first == again
    assert first != demo_history.answers(questionnaires[2023], profiles[147], UNITS)
    assert demo_history.unit_names(101) == demo_history.unit_names(101)
    assert 3 <= len(demo_history.unit_names(101)) <= 5


def test_answers_are_valid_and_improve_on_average(questionnaires, profiles):
    averages = {}
    for year, definition in questionnaires.items():
        overall = []
        for profile in profiles.values():
            if year not in profile.years:
                continue
            found = demo_history.answers(definition, profile, UNITS)
            check_batch(definition, set(UNITS), found)
            overall.append(compute_scores(definition, UNITS, found)["overall"])
        averages[year] = mean(overall)
        assert pstdev(overall) > 0.25, year  # spread between municipalities
    assert averages[2025] - averages[2021] > 0.3
    assert all(1.5 < a < 3.5 for a in averages.values())


def test_drop_outs_and_full_participation_of_the_demo_logins(profiles):
    taking_part = {y: sum(y in p.years for p in profiles.values()) for y in range(2021, 2026)}
    assert all(80 <= n < 98 for n in taking_part.values())
    assert taking_part[2025] > taking_part[2021]
    assert profiles[751].years == profiles[630].years == demo_history.HISTORY_YEARS
    assert 751 in demo_history.DEMO_PINS and 630 in demo_history.DEMO_PINS


def test_pinned_levels_hold(profiles):
    aarhus = profiles[751]
    assert aarhus.start + aarhus.trend * 4 == pytest.approx(3.0)


def test_synthetic_municipalities_scale():
    found = demo_history.synthetic_municipalities(10_000)
    assert len(found) == 10_000
    assert len({m["id"] for m in found}) == 10_000
    assert {m["region"] for m in found} == set(REGIONS)
    assert demo_history.synthetic_municipalities(10_000) == found
    populations = sorted(m["population"] for m in found)
    assert populations[0] >= 2_000 and populations[-1] <= 700_000
    assert 30_000 < populations[5_000] < 80_000


class _Survey:
    """Survey's import_questionnaire answering as it does for a round that has begun."""

    def __init__(self, error: Exception | None) -> None:
        self.error, self.imported = error, []

    def import_questionnaire(self, yaml_text: str) -> dict:
        if self.error is not None:
            raise self.error
        self.imported.append(yaml_text)
        return {}


def test_an_older_questionnaire_of_a_begun_round_is_kept_and_the_run_says_so():
    from types import SimpleNamespace

    from services.common.errors import Conflict, ValidationFailed
    from tools import demo_data

    said: list[str] = []
    begun = SimpleNamespace(survey=_Survey(Conflict("the 2026 round is open", field="year")))
    demo_data.import_shipped_questionnaire(begun, 2026, said.append)
    assert len(said) == 1 and "2026" in said[0] and "Slet var/" in said[0]

    fresh = SimpleNamespace(survey=_Survey(None))
    demo_data.import_shipped_questionnaire(fresh, 2026, said.append)
    assert fresh.survey.imported == [(DATA_DIR / "questionnaires" / "2026.yaml").read_text()]

    broken = SimpleNamespace(survey=_Survey(ValidationFailed("bad", field="areas")))
    with pytest.raises(ValidationFailed):
        demo_data.import_shipped_questionnaire(broken, 2026, said.append)
