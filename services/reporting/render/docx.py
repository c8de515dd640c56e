"""DOCX through python-docx: an editable report in Word's own styles (Title, Heading 1-3,
tables), so a coordinator can rewrite it for the council. Charts are not embedded (Word needs
bitmaps for them); each chart's numbers are in the table beside it, and a line says so. The table
of contents is a Word field that Word fills in when the document is opened."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from services.reporting import formatting


def _toc_field(paragraph) -> None:  # noqa: ANN001
    """A TOC field over Heading 1-2; Word updates it on open (updateFields in settings)."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = 'TOC \\o "1-2" \\h \\z \\u'
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(instruction)
    run._r.append(separate)
    paragraph.add_run()._r.append(end)


def _update_fields_on_open(doc) -> None:  # noqa: ANN001
    settings = doc.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _page_number_footer(doc, label: str, of: str) -> None:  # noqa: ANN001
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.add_run(f"{label} ")
    for instruction, text in (("PAGE", "1"), (None, f" {of} "), ("NUMPAGES", "1")):
        if instruction is None:
            paragraph.add_run(text)
            continue
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), instruction)
        run = OxmlElement("w:r")
        value = OxmlElement("w:t")
        value.text = text
        run.append(value)
        field.append(run)
        paragraph._p.append(field)


def _table(doc, block: dict, lang: str) -> None:  # noqa: ANN001
    doc.add_paragraph(block["caption"], style="Caption")
    columns = block["columns"]
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, col in zip(table.rows[0].cells, columns, strict=True):
        cell.text = col["label"]
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in block["rows"]:
        cells = table.add_row().cells
        for cell, col in zip(cells, columns, strict=True):
            cell.text = formatting.cell(row["cells"].get(col["key"]), col["kind"], lang)
            if row.get("emphasis"):
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    if block.get("note"):
        doc.add_paragraph(block["note"]).runs[0].italic = True


def render(document: dict) -> bytes:
    lang = document["language"]
    labels = document["labels"]
    doc = Document()
    doc.core_properties.title = f"{document['title']} – {document['subtitle']}"
    doc.core_properties.language = lang
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.add_paragraph(document["cover_lines"][0])
    doc.add_paragraph(document["title"], style="Title")
    doc.add_paragraph(document["subtitle"], style="Subtitle")
    for line in document["cover_lines"][1:]:
        doc.add_paragraph(line)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_paragraph(labels["contents"], style="Heading 1")
    _toc_field(doc.add_paragraph())
    doc.add_paragraph(labels["toc_note"]).runs[0].italic = True
    _update_fields_on_open(doc)
    _page_number_footer(doc, labels["page"], labels["of"])
    for number, section in enumerate(document["sections"], start=1):
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        doc.add_heading(f"{number}. {section['title']}", level=1)
        for block in section["blocks"]:
            kind = block["type"]
            if kind == "paragraph":
                doc.add_paragraph(block["text"])
            elif kind == "bullets":
                for item in block["items"]:
                    doc.add_paragraph(item, style="List Bullet")
            elif kind == "chart":
                note = doc.add_paragraph(f"{block['caption']}. {labels['chart_note']}")
                note.runs[0].italic = True
            elif kind == "table":
                _table(doc, block, lang)
            elif kind == "recommendations":
                if not block["items"]:
                    doc.add_paragraph(block["empty"])
                for item in block["items"]:
                    doc.add_heading(f"{item['rank']}. {item['title']}", level=3)
                    for label, text in item["lines"]:
                        paragraph = doc.add_paragraph()
                        paragraph.add_run(f"{label}: ").bold = True
                        paragraph.add_run(text)
                    doc.add_paragraph(item["advice"]).runs[0].italic = True
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
