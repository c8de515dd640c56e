"""Distribution figures and bands against hand-computed values."""

import pytest

from services.benchmark.statistics import band, quantile, rounded, summarize


def test_quantiles_interpolate_between_neighbours():
    values = [1.0, 2.0, 3.0, 4.0]
    # positions (n-1)p: 0.75, 1.5, 2.25
    assert quantile(values, 0.25) == pytest.approx(1.75)
    assert quantile(values, 0.5) == pytest.approx(2.5)
    assert quantile(values, 0.75) == pytest.approx(3.25)
    assert quantile([4.0], 0.25) == 4.0
    with pytest.raises(ValueError):
        quantile([], 0.5)
    with pytest.raises(ValueError):
        quantile(values, 1.5)


def test_summary_of_six_municipalities():
    summary = summarize([3, 1, 4, 1, 5, 2], acceptable=3)
    # sorted 1 1 2 3 4 5: mean 16/6, median (2+3)/2, q1 at 1.25 -> 1.25, q3 at 3.75 -> 3.75
    assert summary == {
        "n": 6,
        "mean": pytest.approx(16 / 6),
        "median": pytest.approx(2.5),
        "q1": pytest.approx(1.25),
        "q3": pytest.approx(3.75),
        "share_acceptable": pytest.approx(3 / 6),
    }
    with pytest.raises(ValueError):
        summarize([], 3)


def test_bands_split_at_the_quartiles_and_median():
    summary = {"q1": 2.0, "median": 3.0, "q3": 4.0}
    assert band(1.9, summary) == "lowest"
    assert band(2.0, summary) == "lower_middle"
    assert band(3.0, summary) == "upper_middle"
    assert band(4.0, summary) == "upper_middle"
    assert band(4.1, summary) == "highest"
    assert band(None, summary) is None
    assert band(3.0, None) is None


def test_final_figures_keep_two_decimals_preliminary_are_coarse():
    summary = summarize([1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 5, 1, 2, 3, 4, 4, 4], 3)
    final = rounded(summary, preliminary=False)
    assert final["n"] == 17 and final["approximate"] is False
    assert final["mean"] == round(summary["mean"], 2)
    early = rounded(summary, preliminary=True)
    assert early["n"] == 15 and early["approximate"] is True
    assert early["mean"] == round(summary["mean"], 1)
    assert early["share_acceptable"] * 20 == pytest.approx(round(early["share_acceptable"] * 20))
