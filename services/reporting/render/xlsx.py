"""XLSX through openpyxl: the report's sheets (scores, answers and the action plan, or KL's
figures) with real numbers, number formats, a frozen header row and a filter, so the action plan
can be sorted, assigned and followed up in the spreadsheet."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

NUMBER_FORMATS = {
    "score": "0.0",
    "score2": "0.00",
    "delta": "+0.0;-0.0;0.0",
    "percent": "0%",
    "int": "0",
    "level": "0",
}
WIDE = {"question", "advice", "answer", "justification", "comment", "label", "references"}


def render(document: dict) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in document["sheets"]:
        ws = workbook.create_sheet(sheet["name"])
        columns = sheet["columns"]
        ws.append([c["label"] for c in columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in sheet["rows"]:
            ws.append([_value(row["cells"].get(c["key"]), c["kind"]) for c in columns])
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = 60 if column["key"] in WIDE else 16
            number_format = NUMBER_FORMATS.get(column["kind"])
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                if number_format and isinstance(cell.value, int | float):
                    cell.number_format = number_format
                cell.alignment = Alignment(wrap_text=column["key"] in WIDE, vertical="top")
        ws.freeze_panes = "B2"
        if sheet["rows"]:
            ws.auto_filter.ref = ws.dimensions
    workbook.properties.title = f"{document['title']} – {document['subtitle']}"
    workbook.properties.language = document["language"]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _value(value: object, kind: str) -> object:
    if value is None:
        return None
    if kind in NUMBER_FORMATS and isinstance(value, int | float):
        return round(float(value), 4) if kind != "int" else int(value)
    return value
