"""The unit's management report (ledelsesrapport): the unit against the rest of the
organisation, in English on request, naming no other unit."""

import pytest

from services.reporting import unit
from services.reporting.documents import tables
from services.reporting.render import render
from tests.reporting import samples
from tests.reporting.samples import AARHUS, WHEN, pdf_pages


@pytest.fixture(scope="module")
def unit_doc():
    return unit.unit_report(samples.unit_sources(AARHUS, 0), "en", WHEN)


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
