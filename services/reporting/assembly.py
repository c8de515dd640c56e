"""Which assembly builds which kind of report. Pure: sources in, document out."""

from __future__ import annotations

from datetime import datetime

from services.reporting import municipality, national, unit


def assemble(kind: str, sources: dict, language: str, generated_at: datetime) -> dict:
    if kind == "municipality":
        return municipality.municipality_report(sources, language, generated_at)
    if kind == "unit":
        return unit.unit_report(sources, language, generated_at)
    if kind == "national":
        return national.national_report(sources, language, generated_at)
    raise ValueError(f"unknown report kind {kind!r}")
