"""The format-neutral shape of a report, which every renderer reads.

Pure. A report is a dict: a cover, numbered sections of blocks (paragraphs, bullet lists, charts,
tables, recommendations) and spreadsheet sheets. Tables keep raw values with a kind per column,
so people get "2,8" in the PDF and a spreadsheet gets 2.8; every chart sits next to a table with
its numbers, because the DOCX and the spreadsheets carry the numbers, not the pictures.
"""

from __future__ import annotations

from typing import Any


def column(key: str, label: str, kind: str = "text") -> dict:
    """``kind``: text, score, score2, delta, percent, int, level."""
    return {"key": key, "label": label, "kind": kind}


def row(key: str, cells: dict[str, Any], emphasis: bool = False) -> dict:
    """One table row; ``key`` is stable (an area or question key), for CSV and JSON readers."""
    return {"key": key, "cells": cells, "emphasis": emphasis}


def table(
    table_id: str, caption: str, columns: list[dict], rows: list[dict], note: str = ""
) -> dict:
    return {
        "type": "table",
        "id": table_id,
        "caption": caption,
        "columns": columns,
        "rows": rows,
        "note": note,
    }


def paragraph(text: str) -> dict:
    return {"type": "paragraph", "text": text}


def bullets(items: list[str]) -> dict:
    return {"type": "bullets", "items": items}


def chart(svg: str, caption: str) -> dict:
    return {"type": "chart", "svg": svg, "caption": caption}


def recommendations(items: list[dict], empty: str) -> dict:
    """Ranked recommendations: ``{"rank", "title", "lines": [(label, text)], "advice"}``."""
    return {"type": "recommendations", "items": items, "empty": empty}


def section(section_id: str, title: str, blocks: list[dict]) -> dict:
    return {"id": section_id, "title": title, "blocks": blocks}


def sheet(name: str, columns: list[dict], rows: list[dict]) -> dict:
    """A spreadsheet sheet (XLSX); ``name`` at most 31 characters, as Excel demands."""
    return {"name": name[:31], "columns": columns, "rows": rows}


def document(
    *,
    kind: str,
    language: str,
    title: str,
    subtitle: str,
    cover_lines: list[str],
    meta: dict,
    sections: list[dict],
    sheets: list[dict],
    labels: dict[str, str],
) -> dict:
    """``labels``: the renderers' own words (contents, page, chart note) in the language."""
    return {
        "kind": kind,
        "language": language,
        "title": title,
        "subtitle": subtitle,
        "cover_lines": cover_lines,
        "meta": meta,
        "sections": sections,
        "sheets": sheets,
        "labels": labels,
    }


def tables(doc: dict) -> list[dict]:
    """Every table of the report in reading order (for CSV, JSON and tests)."""
    return [block for s in doc["sections"] for block in s["blocks"] if block["type"] == "table"]
