"""Delegation through the e-mail link, in the browser: the coordinator delegates on the
delegation pages, the platform's invitation lands in the session's mail catcher, the delegate
opens the link from that mail in a browser of their own at phone width, answers and submits,
and the coordinator approves; the history then names the delegate as the one who answered.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    USERS,
    axe_violations,
    da,
    describe,
    log_in,
    menu,
    screenshot,
)
from tests.delegation.mailbox import link_in, text_of

PHONE = {"width": 390, "height": 844}


def question(page: Page, text: str):
    """One question on an answering page: the article headed by its text."""
    return page.get_by_role("article").filter(
        has=page.get_by_role("heading", name=re.compile(re.escape(text)))
    )


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert not violations, describe(violations)


def delegate_in_browser(
    page: Page,
    *,
    scope: str,
    area: str,
    questions: list[str],
    name: str,
    email: str,
    message: str,
    shot: str,
) -> str:
    """Delegation → Deleger spørgsmål → tick the questions → send; the detail page's path."""
    menu(page, "nav.delegation").click()
    page.get_by_role("link", name=da("delegation.new"), exact=True).click()
    # The areas on offer depend on the scope: choose the scope first, then the area.
    page.get_by_role("combobox", name=da("delegation.for"), exact=True).select_option(label=scope)
    page.get_by_role("button", name=da("answer.show"), exact=True).click()
    page.get_by_role("combobox", name=da("area.label"), exact=True).select_option(label=area)
    page.get_by_role("button", name=da("answer.show"), exact=True).click()
    page.get_by_role("radio", name=da("delegation.kind.questions")).check()
    for text in questions:
        page.get_by_role("checkbox", name=text).check()
    page.get_by_label(da("delegation.delegate_name"), exact=True).fill(name)
    page.get_by_label(da("delegation.delegate_email"), exact=True).fill(email)
    page.get_by_label(da("delegation.message"), exact=True).fill(message)
    screenshot(page, f"{shot}-new")
    assert_accessible(page)
    page.get_by_role("button", name=da("delegation.send"), exact=True).click()
    expect(page.get_by_text(da("delegation.created", name=name))).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(da("delegation.state.assigned"))
    return page.url


def open_mailed_link(page: Page, mail_catcher, platform, email: str, message: str) -> str:
    invitation = mail_catcher.wait_for(email)[-1]
    assert message in text_of(invitation)
    link = link_in(invitation)
    assert link.startswith(platform.base_url + "/delegering/"), link
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(da("delegate.title"))
    return link


def test_delegate_answers_from_the_mailed_link_on_a_phone_and_is_approved(
    new_page, platform, mail_catcher
):
    name, email = "Ole Hansen", "ole.hansen@aarhus.dk"
    message = "Du kender rapporteringen til direktionen bedst."
    coordinator = log_in(new_page(), "coordinator")
    detail_url = delegate_in_browser(
        coordinator,
        scope=da("answer.whole_municipality"),
        area="Ledelse",
        questions=["Er der en politik?", "Rapporteres der til ledelsen?"],
        name=name,
        email=email,
        message=message,
        shot="delegation-01",
    )
    screenshot(coordinator, "delegation-02-detail-sent")
    assert_accessible(coordinator)

    phone = new_page(**PHONE)
    open_mailed_link(phone, mail_catcher, platform, email, message)
    expect(phone.get_by_text(message)).to_be_visible()
    expect(question(phone, "Bemærkninger")).to_have_count(0)
    overflow = phone.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the delegate page is {overflow}px wider than a phone screen"
    screenshot(phone, "delegation-03-delegate-phone")
    assert_accessible(phone)

    question(phone, "Er der en politik?").get_by_role(
        "radio", name=re.compile("^" + re.escape(da("answer.level", level=5)))
    ).check()
    question(phone, "Rapporteres der til ledelsen?").get_by_role(
        "radio", name=da("answer.ypn.partly"), exact=True
    ).check()
    phone.get_by_role("button", name=da("delegate.submit"), exact=True).click()
    expect(phone.get_by_text(da("delegate.submitted"), exact=True)).to_be_visible()
    expect(phone.get_by_role("button", name=da("delegate.submit"), exact=True)).to_have_count(0)
    screenshot(phone, "delegation-04-delegate-submitted")
    assert_accessible(phone)

    notice = mail_catcher.wait_for(USERS["coordinator"][1])[-1]
    assert detail_url in text_of(notice)
    coordinator.goto(detail_url)
    expect(coordinator.get_by_role("heading", level=1)).to_contain_text(
        da("delegation.state.submitted")
    )
    screenshot(coordinator, "delegation-05-review")
    assert_accessible(coordinator)
    coordinator.get_by_role("button", name=da("delegation.approve"), exact=True).click()
    expect(coordinator.get_by_role("heading", level=1)).to_contain_text(
        da("delegation.state.approved")
    )
    screenshot(coordinator, "delegation-06-approved")

    question(coordinator, "Rapporteres der til ledelsen?").get_by_role(
        "link", name=da("answer.history_link")
    ).click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(da("history.title"))
    by_delegate = coordinator.get_by_role("row").filter(has_text=f"{name} ({email})")
    expect(by_delegate).to_have_count(1)
    expect(by_delegate).to_contain_text(da("role.delegate"))
    expect(by_delegate.get_by_role("cell").last).to_have_text(da("answer.ypn.partly"))
    screenshot(coordinator, "delegation-07-history")

    phone.reload()
    expect(phone.get_by_text(da("delegate.is_approved"))).to_be_visible()


def test_delegate_answers_and_submits_with_the_keyboard_only(new_page, platform, mail_catcher):
    name, email = "Kirsten Tast", "kirsten.tast@aarhus.dk"
    message = "Tak for hjælpen med ejerskabet."
    coordinator = log_in(new_page(), "coordinator")
    unit = platform.units[USERS["coordinator"][0]][1]["name"]
    delegate_in_browser(
        coordinator,
        scope=unit,
        area="Ejerskab",
        questions=["Har systemerne ejere?"],
        name=name,
        email=email,
        message=message,
        shot="delegation-keyboard",
    )

    phone = new_page(**PHONE)
    open_mailed_link(phone, mail_catcher, platform, email, message)
    owners = question(phone, "Har systemerne ejere?")
    wanted = owners.get_by_role("radio", name="Alle", exact=True)
    expect(wanted).not_to_be_checked()

    def focused() -> str:
        return phone.evaluate(
            "() => { const e = document.activeElement;"
            " return e.tagName + ':' + (e.type || '') + ':' + (e.value || ''); }"
        )

    for _ in range(100):
        phone.keyboard.press("Tab")
        if focused().startswith("INPUT:radio:"):
            break
    else:
        raise AssertionError("Tab never reached the answer's choices")
    for _ in range(5):
        if focused() == "INPUT:radio:all":
            break
        phone.keyboard.press("ArrowDown")
    expect(wanted).to_be_checked()
    for _ in range(100):
        phone.keyboard.press("Tab")
        if focused() == "BUTTON:submit:submit":
            break
    else:
        raise AssertionError("Tab never reached the button that sends the answers")
    phone.keyboard.press("Enter")
    expect(phone.get_by_text(da("delegate.submitted"), exact=True)).to_be_visible()
    screenshot(phone, "delegation-keyboard-submitted")
    phone.reload()
    expect(question(phone, "Har systemerne ejere?")).to_contain_text("Alle")
