"""Onboarding in a real browser: the first-visit introduction once, the cycle checklist,
the introduction and handover pages, each axe-clean with a screenshot."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, axe_violations, describe, log_in, screenshot
from tests.reporting.conftest import AARHUS
from tests.support.platform import add_users

NEWCOMER = "ny.koordinator@aarhus.dk"


def log_in_as(page, email: str):  # noqa: ANN001, ANN201
    page.goto("/login")
    page.select_option("#municipality", str(AARHUS))
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/login).*$"))
    return page


def test_intro_on_first_login_then_not_again(new_page, platform):
    add_users(platform.env, [(AARHUS, NEWCOMER, "Nina Ny", "coordinator", None)], PASSWORD)
    page = log_in_as(new_page(), NEWCOMER)
    welcome = page.locator("#intro-heading")
    expect(welcome).to_have_text("Velkommen til Sikkerhedsbaseline")
    expect(page.locator(".cycle-steps li")).to_have_count(7)
    checklist = page.locator(".step-list li")
    expect(checklist).to_have_count(7)
    expect(page.locator(".step-list li[aria-current=step]")).to_have_count(1)
    violations = axe_violations(page)
    assert not violations, describe(violations)
    screenshot(page, "dashboard-first-visit")

    later = log_in_as(new_page(), NEWCOMER)
    expect(later.locator("h1")).to_be_visible()
    assert later.locator("#intro-heading").count() == 0
    later.click("text=Se introduktionen til årets gang igen")
    later.wait_for_url(re.compile(r"/introduktion$"))
    expect(later.locator(".cycle-steps li")).to_have_count(7)


def test_next_step_button_leads_to_where_the_step_is_done(new_page, platform):
    page = log_in(new_page(), "coordinator")
    page.goto("/")
    button = page.locator(".cycle-checklist a.button-primary")
    expect(button).to_contain_text("Næste trin:")
    target = button.get_attribute("href")
    button.click()
    page.wait_for_url(re.compile(re.escape(target.split("?")[0])))


def test_intro_and_handover_pages_are_accessible(new_page):
    page = log_in(new_page(), "coordinator")
    for path, name, heading in (
        ("/introduktion", "introduction", "Sådan fungerer året"),
        ("/overdragelse", "handover", "Overdragelse til ny koordinator"),
    ):
        response = page.goto(path)
        assert response.status == 200
        expect(page.locator("h1")).to_have_text(heading)
        violations = axe_violations(page)
        assert not violations, f"{path}:\n{describe(violations)}"
        screenshot(page, name)
    expect(page.locator("text=IT-drift").first).to_be_visible()
    expect(page.locator("text=Lars Leder")).to_be_visible()
