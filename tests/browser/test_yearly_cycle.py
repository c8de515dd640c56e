"""The yearly cycle in the browser, as a coordinator goes through it: log in, create a unit,
answer for the municipality and the unit, see the scores and the benchmark, order the
municipality report and download it; then the administrator closes the round and the next
report says so.

Closing a round cannot be undone, so this module has a platform of its own (own vhost, own
databases): seven other municipalities have answered, Aarhus starts from nothing.
"""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from services.reporting.texts import Texts
from tests.browser.conftest import (
    PASSWORD,
    USERS,
    axe_violations,
    da,
    describe,
    log_in,
    menu,
    reload_until,
    screenshot,
)
from tests.reporting.conftest import AARHUS, PROFILES, seed
from tests.support.platform import add_users, platform_env, private_vhost, run_platform

YEAR = 2026
UNIT = "Digitalisering og IT"
REPORT_WAIT_MS = 90_000


@pytest.fixture(scope="module")
def cycle_platform(amqp_uri, pg_database, tmp_path_factory):
    with private_vhost(amqp_uri, "cycle") as own_amqp:
        env = platform_env(own_amqp, pg_database, tmp_path_factory, BENCHMARK_REFRESH_SECONDS="1")
        running = run_platform(env, tmp_path_factory)
        try:
            others = {code: profile for code, profile in PROFILES.items() if code != AARHUS}
            with ClusterRpcProxy({"AMQP_URI": own_amqp}, timeout=60) as rpc:
                seed(rpc, others, close=False)
            add_users(
                env,
                [(*USERS[who][:4], None) for who in ("coordinator", "admin")],
                PASSWORD,
            )
            yield running
        finally:
            running.stop()


@pytest.fixture
def cycle_page(page_at, cycle_platform):
    def make(width: int = 1280, height: int = 900) -> Page:
        return page_at(cycle_platform.base_url, width, height)

    return make


def question(page: Page, text: str):
    """One question on the answering page: the article headed by its text."""
    return page.get_by_role("article").filter(
        has=page.get_by_role("heading", name=re.compile(re.escape(text)))
    )


def order_and_download_report(page: Page, tmp_path, name: str) -> str:
    """Order the municipality's PDF on Rapporter, wait for it, download it; the PDF's text."""
    menu(page, "nav.reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(da("reports.title"))
    ready_before = page.get_by_role("link", name=da("reports.download", format="PDF")).count()
    page.get_by_role("combobox", name=da("reports.year"), exact=True).select_option(str(YEAR))
    page.get_by_role("combobox", name=da("reports.which"), exact=True).select_option(
        label=da("reports.choice.municipality")
    )
    page.get_by_role("combobox", name=da("reports.format"), exact=True).select_option(
        label=da("reports.format.pdf")
    )
    page.get_by_role("combobox", name=da("reports.language"), exact=True).select_option(
        label=da("reports.lang.da")
    )
    page.get_by_role("button", name=da("reports.submit")).click()
    expect(page.get_by_text(da("reports.requested"))).to_be_visible()
    download_links = page.get_by_role("link", name=da("reports.download", format="PDF"))
    # The page reloads itself (Refresh header) until the report is built.
    expect(download_links).to_have_count(ready_before + 1, timeout=REPORT_WAIT_MS)
    screenshot(page, f"cycle-{name}-ready")
    with page.expect_download() as caught:
        download_links.first.click()  # newest first
    download = caught.value
    assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    reader = PdfReader(BytesIO(target.read_bytes()))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def test_coordinator_goes_from_login_to_a_downloaded_report(cycle_page, tmp_path):
    page = cycle_page()
    page.goto("/login")
    page.get_by_role("combobox", name=da("login.municipality"), exact=True).select_option(
        str(AARHUS)
    )
    page.get_by_label(da("login.email")).fill(USERS["coordinator"][1])
    page.get_by_label(da("login.password")).fill(PASSWORD)
    screenshot(page, "cycle-01-login")
    page.get_by_role("button", name=da("login.submit")).click()
    expect(page.get_by_role("button", name=da("nav.logout"))).to_be_visible()
    screenshot(page, "cycle-02-dashboard")

    menu(page, "nav.units").click()
    expect(page.get_by_text(da("units.empty"))).to_be_visible()
    page.get_by_label(da("unit.name"), exact=True).fill(UNIT)
    page.get_by_label(da("unit.kind.forvaltning"), exact=True).check()
    page.get_by_role("button", name=da("units.create_submit")).click()
    expect(page.get_by_text(da("units.created", name=UNIT))).to_be_visible()
    screenshot(page, "cycle-03-unit-created")

    menu(page, "nav.answer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(da("answer.title", year=YEAR))
    question(page, "Er der en politik?").get_by_role(
        "radio", name=re.compile("^" + re.escape(da("answer.level", level=4)))
    ).check()
    question(page, "Rapporteres der til ledelsen?").get_by_role(
        "radio", name=da("answer.ypn.yes"), exact=True
    ).check()
    question(page, "Bemærkninger").get_by_label(da("answer.text"), exact=True).fill(
        "Politikken blev godkendt af byrådet i marts."
    )
    page.get_by_role("button", name=da("answer.save"), exact=True).click()
    expect(page.get_by_text(da("answer.saved", count=3))).to_be_visible()
    screenshot(page, "cycle-04-municipality-answered")

    page.get_by_role("combobox", name=da("answer.choose_unit"), exact=True).select_option(
        label=UNIT
    )
    page.get_by_role("combobox", name=da("area.label"), exact=True).select_option(label="Ejerskab")
    page.get_by_role("button", name=da("answer.show"), exact=True).click()
    expect(page.get_by_role("heading", level=2, name=re.compile(re.escape(UNIT)))).to_be_visible()
    question(page, "Har systemerne ejere?").get_by_role("radio", name="Alle").check()
    controls = question(page, "Hvilke kontroller?")
    controls.get_by_role("checkbox", name="Adgang", exact=True).check()
    controls.get_by_role("checkbox", name="Backup", exact=True).check()
    question(page, "Andel uddannet (%)").get_by_label(
        re.compile("^" + re.escape(da("answer.number")))
    ).fill("95")
    page.get_by_role("button", name=da("answer.save"), exact=True).click()
    expect(page.get_by_text(da("answer.saved", count=3))).to_be_visible()
    screenshot(page, "cycle-05-unit-answered")

    menu(page, "nav.scores").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(da("scores.title", year=YEAR))
    # Scoring works on the saved answers' events: reload until both saves are counted.
    # Unit: every answer at the top of the scale, 5,0. Ledelse: level 4 (weight 2) and "Ja"
    # (5, weight 1) give 13/3 = 4,3; the free-text note carries no score.
    units_table = page.get_by_role("table", name=da("scores.units_caption"))
    areas_table = page.get_by_role("table", name=da("scores.areas_caption"))
    unit_row = units_table.get_by_role("row", name=re.compile(re.escape(UNIT)))
    governance_row = areas_table.get_by_role("row", name=re.compile("^Ledelse"))
    ownership_row = areas_table.get_by_role("row", name=re.compile("^Ejerskab"))

    def first_cell(row) -> str:
        return row.get_by_role("cell").first.inner_text().strip() if row.count() == 1 else ""

    reload_until(
        page,
        lambda: first_cell(unit_row).startswith("5,0")
        and first_cell(governance_row).startswith("4,3"),
    )
    expect(ownership_row.get_by_role("cell").first).to_have_text(re.compile(r"^\s*5,0"))
    screenshot(page, "cycle-06-scores")

    menu(page, "nav.benchmark").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(da("bm.title", year=YEAR))
    reload_until(page, lambda: page.get_by_text(da("bm.own_overall")).count() > 0)
    expect(page.get_by_text(da("bm.none_yet"))).to_have_count(0)
    expect(page.get_by_text(da("bm.preliminary"))).to_be_visible()
    screenshot(page, "cycle-07-benchmark")

    text = order_and_download_report(page, tmp_path, "08-report")
    assert "Aarhus" in text, text[:500]
    assert UNIT in text
    assert "4,7" in text, "the overall index: the mean of the areas, (4,3 + 5,0) / 2"
    report_da = Texts("da")
    open_cover = report_da("cover.round", year=YEAR, state=report_da("round.open"))
    assert open_cover in text, text[:500]
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_admin_closes_the_round_and_the_next_report_says_so(cycle_page, tmp_path):
    admin = log_in(cycle_page(), "admin")
    menu(admin, "nav.admin").click()
    rounds = admin.get_by_role("table", name=da("admin.rounds"))
    round_row = rounds.get_by_role("row", name=re.compile(str(YEAR)))
    expect(round_row).to_contain_text(da("round.state.open"))
    screenshot(admin, "cycle-09-admin-rounds")
    round_row.get_by_role("link", name=da("admin.round.close")).click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(da("admin.close.title", year=YEAR))
    screenshot(admin, "cycle-10-admin-close-confirm")
    violations = axe_violations(admin)
    assert not violations, describe(violations)
    admin.get_by_role("button", name=da("admin.close.confirm", year=YEAR)).click()
    expect(admin.get_by_text(da("admin.round.closed", year=YEAR))).to_be_visible()
    expect(round_row).to_contain_text(da("round.state.closed"))
    screenshot(admin, "cycle-11-admin-closed")

    page = log_in(cycle_page(), "coordinator")
    menu(page, "nav.answer").click()
    expect(page.get_by_text(da("answer.readonly_closed"))).to_be_visible()
    expect(page.get_by_role("button", name=da("answer.save"), exact=True)).to_have_count(0)
    screenshot(page, "cycle-12-answering-closed")

    text = order_and_download_report(page, tmp_path, "13-report-closed")
    report_da = Texts("da")
    closed_cover = report_da("cover.round", year=YEAR, state=report_da("round.closed"))
    assert closed_cover in text, text[:500]
    assert report_da("round.open") not in text
