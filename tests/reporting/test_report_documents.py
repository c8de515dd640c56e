"""The reports themselves, opened as a reader would: PDF pages and contents, the DOCX's
headings and tables, the XLSX's action plan, CSV and JSON figures; one municipality's report
holds nothing of another's, and KL's report names no municipality at all."""

import csv
import io
import json
import re
from datetime import UTC, datetime

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from services.common.municipalities import load_municipalities
from services.reporting import formatting, municipality, national, texts, unit
from services.reporting.documents import tables
from services.reporting.render import render
from services.scoring import rules
from tests.reporting import samples

AARHUS, VEJLE = 751, 630
WHEN = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
NAMES = {m["id"]: m["name"] for m in load_municipalities()}


@pytest.fixture(scope="module")
def aarhus_sources():
    return samples.municipality_sources(AARHUS)


@pytest.fixture(scope="module")
def aarhus(aarhus_sources):
    return municipality.municipality_report(aarhus_sources, "da", WHEN)


@pytest.fixture(scope="module")
def aarhus_pdf(aarhus):
    return render(aarhus, "pdf")


@pytest.fixture(scope="module")
def unit_doc():
    return unit.unit_report(samples.unit_sources(AARHUS, 0), "en", WHEN)


@pytest.fixture(scope="module")
def national_doc():
    return national.national_report(samples.national_sources(), "da", WHEN)


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def mentions(text: str, name: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


def test_the_pdf_has_a_cover_contents_page_numbers_and_the_figures(
    aarhus, aarhus_sources, aarhus_pdf
):
    pages = pdf_pages(aarhus_pdf)
    assert len(pages) >= 8
    cover, contents = pages[0], pages[1]
    assert "Samlet rapport 2025" in cover and "Aarhus" in cover and "Side" not in cover
    assert "Indhold" in contents and f"Side 2 af {len(pages)}" in contents
    # The contents give the page each section really starts on.
    for number, section in enumerate(aarhus["sections"], start=1):
        heading = f"{number}. {section['title']}"
        listed = re.search(rf"{re.escape(heading)}[ .]*?(\d+)\s*$", contents, re.MULTILINE)
        assert listed, heading
        page = int(listed.group(1))
        assert heading in pages[page - 1]
        assert page == 3 or heading not in pages[page - 2]
    overall = formatting.score(aarhus_sources["scores"]["overall"], "da")
    assert f"modenhedsindeks på {overall}" in "".join(pages).replace("\n", " ")
    top = rules.recommendations(aarhus_sources["questionnaire"], aarhus_sources["answers"])[0]
    question = next(
        q
        for a in aarhus_sources["questionnaire"]["areas"]
        for q in a["questions"]
        if q["key"] == top["question_key"]
    )
    flat = " ".join(" ".join(pages).split())
    assert question["text"]["da"][:40] in flat


def test_a_report_for_one_municipality_holds_nothing_of_another(aarhus, aarhus_pdf):
    vejle = municipality.municipality_report(samples.municipality_sources(VEJLE), "da", WHEN)
    texts_of_aarhus = {
        "pdf": "\n".join(pdf_pages(aarhus_pdf)),
        "json": render(aarhus, "json").decode(),
        "csv": render(aarhus, "csv").decode(),
        "html": render(aarhus, "html").decode(),
    }
    others = [name for code, name in NAMES.items() if code != AARHUS]
    for fmt, content in texts_of_aarhus.items():
        assert fmt == "csv" or mentions(content, "Aarhus"), fmt
        assert [n for n in others if mentions(content, n)] == [], fmt
    # Vejle's own figures (its overall score as written) are not in Aarhus' tables either.
    own = {t["id"]: t for t in tables(aarhus)}
    theirs = {t["id"]: t for t in tables(vejle)}
    assert own["status_areas"]["rows"] != theirs["status_areas"]["rows"]
    assert json.loads(texts_of_aarhus["json"])["report"]["municipality_id"] == AARHUS


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


def test_the_xlsx_has_answers_scores_and_the_action_plan_ranked_by_gap_times_weight(
    aarhus, aarhus_sources
):
    book = load_workbook(io.BytesIO(render(aarhus, "xlsx")))
    assert book.sheetnames == ["Scorer", "Svar", "Handlingsplan"]
    plan = list(book["Handlingsplan"].iter_rows(values_only=True))
    header, rows = plan[0], plan[1:]
    assert header[:3] == ("Nr.", "Fokusområde", "Spørgsmål") and header[-3:] == (
        "Ansvarlig",
        "Frist",
        "Status",
    )
    found = rules.recommendations(aarhus_sources["questionnaire"], aarhus_sources["answers"])
    assert len(rows) == len(found) > 0
    urgency = header.index("Prioritet (afstand × vægt)")
    assert [r[urgency] for r in rows] == sorted((r[urgency] for r in rows), reverse=True)
    assert rows[0][urgency] == pytest.approx(found[0]["gap"] * found[0]["weight"], abs=1e-4)
    answers = list(book["Svar"].iter_rows(values_only=True))
    assert len(answers) - 1 == len(aarhus_sources["answers"])
    scores = {r[0]: r for r in book["Scorer"].iter_rows(values_only=True)}
    assert scores["Samlet modenhedsindeks"][1] == pytest.approx(
        aarhus_sources["scores"]["overall"], abs=1e-4
    )


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


def test_the_unit_report_in_english_compares_with_the_rest_and_names_no_other_unit(unit_doc):
    pages = pdf_pages(render(unit_doc, "pdf"))
    flat = " ".join(" ".join(pages).split())
    assert "Management report 2025" in pages[0]
    assert "Borgerservice og Digitalisering" in flat
    assert "Rest of the organisation" in flat
    assert "System and data" in flat or "system and data owners" in flat
    for other in samples.UNIT_NAMES[1:]:
        assert other not in flat
    assert "Page 2 of" in pages[1]
    compare = next(t for t in tables(unit_doc) if t["id"] == "unit_vs_rest")
    assert compare["rows"][0]["cells"]["rest"] is not None


def test_the_national_report_is_built_from_aggregates_and_names_no_municipality(national_doc):
    pages = pdf_pages(render(national_doc, "pdf"))
    content = "\n".join(pages)
    assert "National baseline 2025" in pages[0]
    assert len(pages) >= 6
    assert [n for n in NAMES.values() if mentions(content, n)] == []
    priorities = next(t for t in tables(national_doc) if t["id"] == "priority_areas")
    shares = [r["cells"]["share_below"] for r in priorities["rows"]]
    assert shares == sorted(shares, reverse=True)
    panel = next(t for t in tables(national_doc) if t["id"] == "development_panel")
    assert len(panel["rows"]) == 4 * 7  # four steps 2021-2025, overall and six areas
    assert all(r["cells"]["change_median"] is not None or r["cells"]["note"] for r in panel["rows"])
    participation = next(t for t in tables(national_doc) if t["id"] == "participation")
    assert participation["rows"][0]["cells"]["participants"] > 0


def test_a_withheld_figure_stays_withheld_and_says_why():
    sources = samples.national_sources()
    sources["national"] = json.loads(json.dumps(sources["national"]))
    sources["national"]["metrics"]["overall"]["region:Nordjylland"] = None
    doc = national.national_report(sources, "da", WHEN)
    table = next(t for t in tables(doc) if t["id"] == "groups_overall")
    row = next(r for r in table["rows"] if r["key"] == "region:Nordjylland")
    assert row["cells"]["median"] is None
    assert row["cells"]["note"].startswith("Ikke vist")
    assert "Ikke vist" in render(doc, "html").decode()


def test_html_is_self_contained_with_accessible_charts(aarhus):
    page = render(aarhus, "html").decode()
    assert '<html lang="da">' in page
    assert 'role="img"' in page and "<title" in page
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert page.count('href="#s-') == len(aarhus["sections"])


def test_both_languages_have_every_text():
    assert texts.CATALOGS.keys("da") == texts.CATALOGS.keys("en")
    assert all(
        texts.Texts(lang)(key).strip() for lang in ("da", "en") for key in texts.CATALOGS.keys(lang)
    )


def test_a_missing_text_is_an_error_naming_the_key():
    with pytest.raises(KeyError, match="no.such.text"):
        texts.Texts("en")("no.such.text")
