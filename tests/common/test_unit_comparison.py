"""A unit against the rest of its organisation."""

import pytest

from services.common.unit_comparison import unit_versus_rest
from services.scoring.rules import compute_scores
from tests.scoring.test_rules import ANSWERS, QUESTIONNAIRE, UNITS


def test_unit_against_the_mean_of_the_other_units():
    result = compute_scores(QUESTIONNAIRE, UNITS, ANSWERS)
    found = unit_versus_rest(result, 10, QUESTIONNAIRE)
    operations = next(a for a in found["areas"] if a["key"] == "operations")
    # unit 10: 25/6; the others 2.5 (unit 20) and 1.0 (unit 30)
    assert operations["unit"] == pytest.approx(25 / 6)
    assert operations["rest"] == pytest.approx(1.75)
    assert operations["rest_units"] == 2
    assert operations["difference"] == pytest.approx(25 / 6 - 1.75)
    awareness = next(a for a in found["areas"] if a["key"] == "awareness")
    assert awareness["rest"] is None and awareness["rest_units"] == 0
    assert awareness["difference"] is None and awareness["below_acceptable"] is True
    governance = next(a for a in found["areas"] if a["key"] == "governance")
    assert governance["unit"] is None  # no unit questions in governance
    assert found["overall"]["rest"] == pytest.approx((2.5 + 1.0) / 2)


def test_unknown_unit():
    result = compute_scores(QUESTIONNAIRE, UNITS, ANSWERS)
    with pytest.raises(KeyError):
        unit_versus_rest(result, 99)
