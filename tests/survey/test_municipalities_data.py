"""The municipality register every tenant id comes from: complete, unique and plausible."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

CSV_PATH = Path(__file__).resolve().parents[2] / "data" / "municipalities.csv"
REGIONS = {"Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland"}


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with CSV_PATH.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["code", "name", "region", "population"]
        return list(reader)


@pytest.fixture(scope="module")
def by_code(rows: list[dict[str, str]]) -> dict[int, dict[str, str]]:
    return {int(row["code"]): row for row in rows}


def test_all_98_municipalities_are_listed(rows):
    assert len(rows) == 98


def test_codes_and_names_are_unique(rows):
    assert len({int(row["code"]) for row in rows}) == 98
    assert len({row["name"] for row in rows}) == 98


def test_codes_are_official_three_digit_kommunekoder(rows):
    for row in rows:
        assert row["code"].isdigit() and 101 <= int(row["code"]) <= 860, row


def test_christiansoe_is_not_a_municipality(by_code, rows):
    assert 411 not in by_code
    assert all(row["name"] != "Christiansø" for row in rows)


def test_every_row_is_in_one_of_the_five_regions(rows):
    assert {row["region"] for row in rows} == REGIONS


def test_region_sizes(rows):
    assert Counter(row["region"] for row in rows) == {
        "Hovedstaden": 29,
        "Sjælland": 17,
        "Syddanmark": 22,
        "Midtjylland": 19,
        "Nordjylland": 11,
    }


def test_populations_are_positive_and_add_up_to_denmark(rows):
    populations = [int(row["population"]) for row in rows]
    assert all(p > 0 for p in populations)
    assert 5_800_000 <= sum(populations) <= 6_100_000


def test_names_are_clean_utf8_text(rows):
    for row in rows:
        assert row["name"] == row["name"].strip() and row["name"]
        assert "Kommune" not in row["name"]


@pytest.mark.parametrize(
    ("code", "name", "region"),
    [
        (101, "København", "Hovedstaden"),
        (147, "Frederiksberg", "Hovedstaden"),
        (400, "Bornholm", "Hovedstaden"),
        (751, "Aarhus", "Midtjylland"),
        (851, "Aalborg", "Nordjylland"),
        (461, "Odense", "Syddanmark"),
        (825, "Læsø", "Nordjylland"),
        (370, "Næstved", "Sjælland"),
        (492, "Ærø", "Syddanmark"),
    ],
)
def test_spot_checks(by_code, code, name, region):
    assert by_code[code]["name"] == name
    assert by_code[code]["region"] == region


def test_largest_and_smallest(rows):
    ordered = sorted(rows, key=lambda row: int(row["population"]))
    assert ordered[-1]["name"] == "København"
    assert ordered[0]["name"] == "Læsø"
