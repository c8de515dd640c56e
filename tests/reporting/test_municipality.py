"""The municipality report (samlet rapport) as a reader gets it: the PDF's cover, contents with
the real page numbers and the figures, nothing of another municipality in any format, and the
spreadsheet's answers, scores and action plan ranked by gap times weight."""

import io
import json
import re

import pytest
from openpyxl import load_workbook

from services.common.municipalities import load_municipalities
from services.common.questionnaire import questions_by_key
from services.reporting import formatting, municipality
from services.reporting.documents import tables
from services.reporting.render import render
from services.scoring import rules
from tests.reporting import samples
from tests.reporting.samples import AARHUS, WHEN, mentions, pdf_pages

VEJLE = 630
NAMES = {m["id"]: m["name"] for m in load_municipalities()}


@pytest.fixture(scope="module")
def aarhus_pdf(aarhus):
    return render(aarhus, "pdf")


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


def test_the_recommendations_are_scorings_ranking_as_collected(aarhus_sources):
    ranked = aarhus_sources["recommendations"]
    assert len(ranked) >= 3
    chosen = [ranked[2], ranked[0]]
    doc = municipality.municipality_report(dict(aarhus_sources, recommendations=chosen), "da", WHEN)
    shown = [
        block
        for s in doc["sections"]
        for block in s["blocks"]
        if block["type"] == "recommendations"
    ]
    assert [len(block["items"]) for block in shown] == [2]
    titles = [item["title"] for item in shown[0]["items"]]
    keys = [r["question_key"] for r in chosen]
    questions = questions_by_key(aarhus_sources["questionnaire"])
    assert [questions[k]["text"]["da"][:30] for k in keys] == [t[:30] for t in titles]


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
