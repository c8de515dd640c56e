"""The renderers on the municipality report: the DOCX is editable (Word's own headings and
tables, a contents field), CSV and JSON carry the same unrounded figures, and the HTML is
self-contained with accessible charts and no script."""

import csv
import io
import json

import pytest
from docx import Document

from services.reporting import formatting
from services.reporting.render import render


def test_the_docx_is_editable_with_headings_tables_and_a_contents_field(aarhus, aarhus_sources):
    doc = Document(io.BytesIO(render(aarhus, "docx")))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading 1")]
    assert headings[0] == "Indhold"
    assert headings[1:] == [f"{i}. {s['title']}" for i, s in enumerate(aarhus["sections"], 1)]
    assert any(p.style.name == "Title" and p.text == "Samlet rapport 2025" for p in doc.paragraphs)
    assert 'TOC \\o "1-2"' in doc.element.xml
    status = next(t for t in doc.tables if t.rows[0].cells[0].text == "Fokusområde")
    first_area = aarhus_sources["scores"]["areas"][0]
    row = next(r for r in status.rows if r.cells[0].text.startswith("Ledelse"))
    assert row.cells[1].text == formatting.score(first_area["score"], "da")
    assert doc.core_properties.title.startswith("Samlet rapport 2025")


def test_csv_and_json_carry_the_same_raw_figures(aarhus):
    body = json.loads(render(aarhus, "json"))
    rows = list(csv.DictReader(io.StringIO(render(aarhus, "csv").decode("utf-8-sig"))))
    status = next(t for t in body["tables"] if t["id"] == "status_areas")
    overall = next(r for r in status["rows"] if r["key"] == "overall")
    from_csv = next(
        r
        for r in rows
        if (r["table"], r["row"], r["column"]) == ("status_areas", "overall", "score")
    )
    assert float(from_csv["value"]) == pytest.approx(overall["score"])
    assert {t["id"] for t in body["tables"]} >= {"status_areas", "development", "who_answered"}


def test_html_is_self_contained_with_accessible_charts(aarhus):
    page = render(aarhus, "html").decode()
    assert '<html lang="da">' in page
    assert 'role="img"' in page and "<title" in page
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert page.count('href="#s-') == len(aarhus["sections"])
