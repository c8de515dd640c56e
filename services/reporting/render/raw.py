"""CSV and JSON: the raw figures of every table of the report, unrounded, for analysts.

JSON keeps the report's structure (meta, then tables with their columns and rows); CSV is one
long table (table, row, column, value) so that every figure of every table fits one file and
loads straight into a spreadsheet or a statistics tool. Numbers use a decimal point.
"""

from __future__ import annotations

import csv
import io
import json

from services.reporting.documents import tables

CSV_HEADER = ["table", "table_caption", "row", "row_label", "column", "column_label", "value"]


def render_json(document: dict) -> bytes:
    body = {
        "report": {
            "kind": document["kind"],
            "language": document["language"],
            "title": document["title"],
            "subtitle": document["subtitle"],
            **document["meta"],
        },
        "tables": [
            {
                "id": t["id"],
                "caption": t["caption"],
                "columns": t["columns"],
                "rows": [{"key": r["key"], **r["cells"]} for r in t["rows"]],
            }
            for t in tables(document)
        ],
    }
    return json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")


def render_csv(document: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for t in tables(document):
        label_key = t["columns"][0]["key"]
        for r in t["rows"]:
            for column in t["columns"][1:]:
                value = r["cells"].get(column["key"])
                if value is None or value == "":
                    continue
                writer.writerow(
                    [
                        t["id"],
                        t["caption"],
                        r["key"],
                        r["cells"].get(label_key, ""),
                        column["key"],
                        column["label"],
                        value,
                    ]
                )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
