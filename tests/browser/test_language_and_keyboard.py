"""The language switch and answering with the keyboard alone."""

from __future__ import annotations

from tests.browser.conftest import log_in, screenshot


def test_switching_to_english_is_remembered_for_the_user(new_page):
    page = log_in(new_page(), "coordinator")
    assert page.get_attribute("html", "lang") == "da"
    with page.expect_navigation():
        page.click("text=English")
    assert page.get_attribute("html", "lang") == "en"
    assert page.get_by_role("link", name="Overview").is_visible()
    screenshot(page, "dashboard-english")

    later = log_in(new_page(), "coordinator")
    assert later.get_attribute("html", "lang") == "en", "the choice should follow the user"
    with later.expect_navigation():
        later.click("text=Dansk")
    assert later.get_attribute("html", "lang") == "da"


def test_answering_with_the_keyboard_only(new_page, platform):
    page = log_in(new_page(), "respondent")
    page.goto("/besvar")
    first_field = page.locator("form.answers textarea, form.answers input[type=text]").first
    field_id = first_field.get_attribute("id")
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == field_id:
            break
    else:
        raise AssertionError(f"Tab never reached the first answer field #{field_id}")
    page.keyboard.type("Besvaret med tastaturet")
    focused_save = False
    for _ in range(400):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => document.activeElement.tagName + ':' + (document.activeElement.type || '')"
            " + ':' + (document.activeElement.closest('form.answers') ? 'in' : 'out')"
        )
        if focused == "BUTTON:submit:in":
            focused_save = True
            break
    assert focused_save, "Tab never reached the answer form's save button"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto("/besvar")
    assert page.locator(f'[id="{field_id}"]').input_value() == "Besvaret med tastaturet"
