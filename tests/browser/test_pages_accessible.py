"""Every main page, as the role that uses it: no serious or critical WCAG 2.1 AA violation
found by axe-core, and a screenshot of each kept for review (CI artifact)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations, describe, log_in, screenshot

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
]


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
    page = log_in(new_page(width=390, height=844), "unit_lead")
    page.goto("/besvar")
    screenshot(page, "answering-phone")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a phone screen"


def test_the_checker_itself_finds_an_unlabelled_field(new_page):
    page = new_page()
    page.set_content('<html lang="da"><title>x</title><main><input type="text"></main></html>')
    assert "label" in {violation["id"] for violation in axe_violations(page)}
