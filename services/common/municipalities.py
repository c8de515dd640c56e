"""The 98 municipalities as reference data, and the fixed size classes used for peer groups."""

from __future__ import annotations

import csv
from pathlib import Path

from services.common.config import DATA_DIR

REGIONS = ("Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland")
SIZE_CLASSES = (
    ("small", 0, 30_000),
    ("medium", 30_000, 50_000),
    ("large", 50_000, 100_000),
    ("largest", 100_000, None),
)


def size_class(population: int) -> str:
    """Fixed bands, never chosen freely, so that groups cannot be differenced to one member."""
    for name, low, high in SIZE_CLASSES:
        if population >= low and (high is None or population < high):
            return name
    raise ValueError(f"population {population} fits no size class")


def load_municipalities(path: Path | None = None) -> list[dict]:
    path = path or DATA_DIR / "municipalities.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        return [
            {
                "id": int(row["code"]),
                "name": row["name"],
                "region": row["region"],
                "population": int(row["population"]),
            }
            for row in csv.DictReader(handle)
        ]
