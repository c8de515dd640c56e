"""Browser tests: the whole platform as processes, Playwright driving Debian's Chromium.

One platform per test session (starting it costs more than every page visit together): the
small 2026 questionnaire open for answering, two municipalities with units and answers, a KL
analyst and an administrator. Screenshots go to ``$TEST_OUTPUT_DIR/screenshots`` (default
test-output/), which CI keeps as an artifact.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from gateway.i18n import t
from tests.delegation.mailbox import MailCatcher
from tests.reporting.conftest import AARHUS, VEJLE, seed
from tests.support.platform import add_users, platform_env, run_platform, smtp_env

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "et-langt-kodeord-til-browsertest"
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(os.environ.get("TEST_OUTPUT_DIR", ROOT / "test-output")) / "screenshots"
USERS = {
    "coordinator": (AARHUS, "koordinator@aarhus.dk", "Karin Koordinator", "coordinator"),
    "unit_lead": (AARHUS, "leder.it@aarhus.dk", "Lars Leder", "unit_lead"),
    "respondent": (AARHUS, "besvarer@aarhus.dk", "Bente Besvarer", "respondent"),
    "vejle": (VEJLE, "koordinator@vejle.dk", "Villy Vejle", "coordinator"),
    "kl_analyst": (None, "analytiker@kl.dk", "Anna Analytiker", "kl_analyst"),
    "admin": (None, "admin@kl.dk", "Adam Admin", "admin"),
}


def chromium_path() -> str:
    """Debian's Chromium (scripts/ensure-system-packages --for-tests installs it)."""
    found = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not found:
        pytest.fail("Chromium is missing: run scripts/ensure-system-packages --for-tests")
    return found


@pytest.fixture(scope="session")
def mail_catcher(tmp_path_factory) -> Iterator[MailCatcher]:
    """The session platform's SMTP server: every e-mail it sends lands here for the tests."""
    catcher = MailCatcher(tmp_path_factory.mktemp("mail")).start()
    yield catcher
    catcher.stop()


def fast_mail_env(catcher: MailCatcher) -> dict[str, str]:
    """Platform settings that send its e-mail to the catcher, retrying quickly."""
    return {**smtp_env(catcher), "MAIL_RETRY_BASE_SECONDS": "0.5", "MAIL_RETRY_MAX_SECONDS": "1"}


@pytest.fixture(scope="session")
def platform(amqp_uri, pg_database, tmp_path_factory, mail_catcher):
    env = platform_env(
        amqp_uri,
        pg_database,
        tmp_path_factory,
        BENCHMARK_REFRESH_SECONDS="1",
        **fast_mail_env(mail_catcher),
    )
    running = run_platform(env, tmp_path_factory)
    try:
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=60) as rpc:
            units = seed(rpc, close=False)
        unit_of = {"unit_lead": units[AARHUS][0]["id"]}
        add_users(
            env,
            [
                (municipality, email, name, role, unit_of.get(key))
                for key, (municipality, email, name, role) in USERS.items()
            ],
            PASSWORD,
        )
        running.units = units
        running.env = env
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
    yield browser
    browser.close()


@pytest.fixture
def page_at(chromium: Browser):
    """Pages in fresh browser contexts (own cookies) on any platform, closed after the test."""
    contexts = []

    def make(base_url: str, width: int = 1280, height: int = 900) -> Page:
        context = chromium.new_context(
            base_url=base_url,
            viewport={"width": width, "height": height},
            locale="da-DK",
            bypass_csp=True,
            accept_downloads=True,
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def new_page(page_at, platform):
    """Pages in fresh browser contexts on the session's platform."""

    def make(width: int = 1280, height: int = 900) -> Page:
        return page_at(platform.base_url, width, height)

    return make


def da(key: str, **values: object) -> str:
    """The Danish text the page shows for ``key`` (the gateway's own catalogue), so the tests
    find buttons, labels and messages by what a person reads, not by CSS classes."""
    return t(key, lang="da", **values)


def reload_until(page: Page, ready: Callable[[], bool], timeout: float = 30) -> None:
    """Reload until ``ready()``: for figures other services compute after an event."""
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"{page.url} did not show what was expected in {timeout}s")
        time.sleep(0.5)
        page.reload()


def log_in(page: Page, who: str) -> Page:
    """The login form as a person fills it in: municipality, e-mail, password."""
    municipality, email, _name, _role = USERS[who]
    page.goto("/login")
    choice = "kl" if municipality is None else str(municipality)
    page.select_option("#municipality", choice)
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/login).*$"))
    return page


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    return target


SERIOUS = ("serious", "critical")


def axe_violations(page: Page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA rules on the page as it stands; serious and critical only."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [v for v in result["violations"] if v["impact"] in SERIOUS]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return "\n".join(lines)


def delegate_link(platform) -> str:
    """A delegation of one question to a colleague, made as the coordinator would, and the
    delegate's link read from the outbox (the browser platform sends no mail)."""
    from datetime import date, timedelta

    from sqlalchemy import create_engine, text

    coordinator = {
        "user_id": 1,
        "name": "Karin Koordinator",
        "role": "coordinator",
        "email": USERS["coordinator"][1],
        "unit_id": None,
    }
    data = {
        "kind": "question",
        "question_keys": ["governance.policy"],
        "unit_id": None,
        "area_key": "governance",
        "delegate_name": "Dorte Delegeret",
        "delegate_email": "dorte@aarhus.dk",
        "message": None,
        "due_date": (date.today() + timedelta(days=14)).isoformat(),
    }
    with ClusterRpcProxy({"AMQP_URI": platform.env["AMQP_URI"]}, timeout=60) as rpc:
        created = rpc.delegation.create_delegation(AARHUS, 2026, data, coordinator)
    # The mail service holds the link's token until the mail is sent; delegation hands the
    # mail over right after the commit, so it is there within moments.
    engine = create_engine(platform.env["DATABASE_URL_MAIL"])
    query = text(
        "SELECT secret FROM mail_messages WHERE reference = :ref "
        "AND secret IS NOT NULL ORDER BY id DESC LIMIT 1"
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with engine.connect() as connection:
                secret = connection.execute(
                    query, {"ref": f"delegation:{created['id']}"}
                ).scalar_one_or_none()
            if secret is not None or time.monotonic() > deadline:
                break
            time.sleep(0.1)
    finally:
        engine.dispose()
    assert secret is not None, "the invitation never reached the mail service"
    return f"/delegering/{secret}"


def menu(page: Page, key: str):  # noqa: ANN201 - a Playwright Locator
    """A link of the main menu by its catalogue key (the page may hold a link of the same name)."""
    navigation = page.get_by_role("navigation", name=da("nav.label"))
    return navigation.get_by_role("link", name=da(key), exact=True)
