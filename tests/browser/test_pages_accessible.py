"""Every main page, as the role that uses it: no serious or critical WCAG 2.1 AA violation
found by axe-core, and a screenshot of each kept for review (CI artifact)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import (
    axe_violations,
    delegate_link,
    describe,
    log_in,
    screenshot,
)

PAGES = [
    ("coordinator", "/", "dashboard"),
    ("coordinator", "/besvar", "answering"),
    ("coordinator", "/scorer", "scores"),
    ("coordinator", "/udvikling", "development"),
    ("coordinator", "/sammenligning", "benchmark"),
    ("coordinator", "/enheder", "units"),
    ("coordinator", "/delegeringer", "delegations"),
    ("coordinator", "/rapporter", "reports"),
    ("coordinator", "/runder/2026/historik?question=governance.policy", "answer-history"),
    ("unit_lead", "/besvar", "answering-unit-lead"),
    ("kl_analyst", "/kl", "kl-overview"),
    ("kl_analyst", "/kl/udvikling", "kl-development"),
    ("kl_analyst", "/kl/rapporter", "kl-reports"),
    ("admin", "/admin/runder", "admin-rounds"),
    ("admin", "/admin/kommuner", "admin-municipalities"),
    ("admin", "/admin/revisionsspor", "admin-audit"),
    ("coordinator", "/konto", "account"),
    ("coordinator", "/brugere", "users"),
    ("coordinator", "/revisionsspor", "audit"),
]
ANONYMOUS_PAGES = [
    ("/glemt-adgangskode", "forgot-password"),
    ("/konto/nulstil/" + "x" * 43, "account-link-invalid"),
    ("/delegering/" + "x" * 43, "delegate-link-invalid"),
    ("/findes-ikke", "error-404"),
]
PHONE = {"width": 390, "height": 844}


def assert_fits_a_phone(page) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a phone screen"


def test_the_login_page(new_page):
    page = new_page()
    page.goto("/login")
    screenshot(page, "login")
    assert page.get_attribute("html", "lang") == "da"
    violations = axe_violations(page)
    assert not violations, describe(violations)


@pytest.mark.parametrize(("who", "path", "name"), PAGES, ids=[name for _, _, name in PAGES])
def test_a_main_page(new_page, who, path, name):
    page = log_in(new_page(), who)
    response = page.goto(path)
    assert response is not None and response.ok, f"{path} answered {response and response.status}"
    screenshot(page, name)
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_the_answering_page_at_phone_width(new_page):
    page = log_in(new_page(**PHONE), "unit_lead")
    page.goto("/besvar")
    screenshot(page, "answering-phone")
    assert_fits_a_phone(page)


@pytest.mark.parametrize(("path", "name"), ANONYMOUS_PAGES, ids=[n for _, n in ANONYMOUS_PAGES])
def test_a_page_without_login(new_page, path, name):
    page = new_page()
    page.goto(path)
    screenshot(page, name)
    assert page.locator("header.header").count() == 1
    violations = axe_violations(page)
    assert not violations, describe(violations)
    if path.startswith("/delegering/"):
        phone = new_page(**PHONE)
        phone.goto(path)
        screenshot(phone, f"{name}-phone")
        assert_fits_a_phone(phone)


def test_the_delegate_page_on_a_desktop_and_a_phone(new_page, platform):
    link = delegate_link(platform)
    for size, name in (({}, "delegate"), (PHONE, "delegate-phone")):
        page = new_page(**size)
        response = page.goto(link)
        assert response is not None and response.ok, f"the delegate link answered {response}"
        assert page.locator("form.answers").count() == 1
        screenshot(page, name)
        violations = axe_violations(page)
        assert not violations, describe(violations)
        if size:
            assert_fits_a_phone(page)


def test_the_menu_opens_on_a_phone(new_page):
    page = log_in(new_page(**PHONE), "coordinator")
    page.goto("/enheder")
    assert_fits_a_phone(page)
    page.click(".js-menu-open")
    drawer = page.locator(".mobile-drawer")
    assert drawer.is_visible()
    assert drawer.get_by_role("link", name="Organisatoriske enheder").is_visible()


def test_the_checker_itself_finds_an_unlabelled_field(new_page):
    page = new_page()
    page.set_content('<html lang="da"><title>x</title><main><input type="text"></main></html>')
    assert "label" in {violation["id"] for violation in axe_violations(page)}
