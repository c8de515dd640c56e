"""Working comfortably on the answering page in a real browser: autosave with its announced
state, no lost input when the session expires, filters and the print view."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD, USERS, axe_violations, describe, log_in, screenshot

AREA = "/runder/2026/besvar?unit=kommune&area=governance"
NOTES = '[id="value-governance.notes"]'


def stored_notes(page: Page) -> str | None:
    """What the API now holds for the free-text question (same session as the page)."""
    answers = page.request.get("/api/v1/rounds/2026/answers").json()
    found = [a for a in answers if a["question_key"] == "governance.notes"]
    return found[0]["value"] if found else None


def test_autosave_shows_saved_and_stores_the_value(new_page):
    page = log_in(new_page(), "coordinator")
    page.goto(AREA)
    status = page.locator("[data-autosave-status]")
    expect(status).to_have_attribute("role", "status")
    page.fill(NOTES, "Gemt automatisk i browsertesten")
    expect(status).to_have_text(re.compile(r"^Gemt kl\. \d\d:\d\d$"), timeout=10_000)
    assert stored_notes(page) == "Gemt automatisk i browsertesten"
    screenshot(page, "answering-autosaved")


def test_expired_session_keeps_the_input_through_a_new_login(new_page):
    page = log_in(new_page(), "coordinator")
    page.goto(AREA)
    page.context.clear_cookies()
    page.fill(NOTES, "Skrevet mens sessionen var udløbet")
    page.wait_for_url(re.compile(r"/login\?next="), timeout=10_000)
    municipality, email, _name, _role = USERS["coordinator"]
    page.select_option("#municipality", str(municipality))
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/runder/2026/besvar"))
    expect(page.locator(NOTES)).to_have_value("Skrevet mens sessionen var udløbet")
    status = page.locator("[data-autosave-status]")
    expect(status).to_have_text(re.compile(r"^Gemt kl\. \d\d:\d\d$"), timeout=10_000)
    assert stored_notes(page) == "Skrevet mens sessionen var udløbet"
    assert page.evaluate("() => window.sessionStorage.length") == 0


def test_filters_show_only_matching_questions(new_page):
    page = log_in(new_page(), "vejle")
    page.goto(AREA)
    all_questions = page.locator("article.question").count()
    page.click("a.tag:has-text('Under acceptabelt niveau')")
    page.wait_for_url(re.compile(r"filter=below"))
    below = page.locator("article.question")
    assert 0 < below.count() < all_questions
    assert page.locator('[id="q-governance.policy"]').count() == 1, "Vejle's level 2 is below 3"
    page.click("a.tag:has-text('Ubesvarede')")
    page.wait_for_url(re.compile(r"filter=unanswered"))
    assert page.locator('[id="q-governance.policy"]').count() == 0
    expect(page.locator("a.tag[aria-current=true]")).to_have_text("Ubesvarede")
    violations = axe_violations(page)
    assert not violations, describe(violations)
    screenshot(page, "answering-filtered")


def test_print_view_has_no_navigation(new_page):
    page = log_in(new_page(), "coordinator")
    page.goto(AREA)
    expect(page.locator("button[data-print]")).to_be_visible()
    page.emulate_media(media="print")
    assert not page.locator("nav.area-nav").is_visible()
    assert not page.locator("button[data-print]").is_visible()
    expect(page.locator('[id="q-governance.policy"]')).to_be_visible()
    screenshot(page, "answering-print")
    violations = axe_violations(page)
    assert not violations, describe(violations)
