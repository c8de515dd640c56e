"""KL's national baseline report: built from aggregates only, naming no municipality, and a
figure withheld by disclosure control stays withheld and says why."""

import json

import pytest

from services.common.municipalities import load_municipalities
from services.reporting import national
from services.reporting.documents import tables
from services.reporting.render import render
from tests.reporting import samples
from tests.reporting.samples import WHEN, mentions, pdf_pages

NAMES = {m["id"]: m["name"] for m in load_municipalities()}


@pytest.fixture(scope="module")
def national_doc():
    return national.national_report(samples.national_sources(), "da", WHEN)


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
