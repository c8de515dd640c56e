"""Accounts through the whole platform: processes, HTTP and the SMTP catcher on loopback.

The administrator onboards Aarhus by inviting its coordinator; the invitation leaves through
the mail service; the coordinator follows the link, chooses a password,
logs in, invites a colleague, who does the same; then the coordinator disables the colleague,
whose session ends at once, and the whole story is in the municipality's audit trail.
"""

from __future__ import annotations

import re

import pytest

from tests.delegation.mailbox import MailCatcher, text_of
from tests.support.http import Browser
from tests.support.platform import add_users, platform_env, run_platform, smtp_env

ADMIN_PASSWORD = "platformens lange kodeord"
AARHUS = 751
INVITATION = re.compile(r"https?://\S+/konto/invitation/[A-Za-z0-9_-]{43}")
RESET = re.compile(r"https?://\S+/konto/nulstil/[A-Za-z0-9_-]{43}")


@pytest.fixture(scope="module")
def platform(amqp_uri, pg_database, tmp_path_factory, catcher):
    env = platform_env(
        amqp_uri,
        pg_database,
        tmp_path_factory,
        **smtp_env(catcher),
        MAIL_SEND_SECONDS="0.5",
    )
    running = run_platform(env, tmp_path_factory)
    try:
        add_users(
            env, [(None, "admin@kl.dk", "Platformens administrator", "admin", None)], ADMIN_PASSWORD
        )
        yield running
    finally:
        running.stop()


def link_from(catcher: MailCatcher, address: str, pattern: re.Pattern, count: int = 1) -> str:
    mail = catcher.wait_for(address, count=count, timeout=30)[count - 1]
    match = pattern.search(text_of(mail))
    assert match, text_of(mail)
    return match.group(0)


def choose_password(base_url: str, link: str, password: str) -> Browser:
    browser = Browser(base_url)
    path = link.removeprefix(base_url)
    page = browser.get(path)
    assert page.status_code == 200, page.text
    done = browser.post_form(path, {"password": password, "password_again": password})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login"), done.text
    assert browser.get(path).status_code == 404, "a link works once"
    return browser


def user_id_of(page: str, email: str) -> int:
    row = page[page.index(email) :]
    return int(re.search(r"/brugere/(\d+)/deaktiver", row).group(1))


def test_onboard_invite_log_in_and_disable(platform, catcher):
    base = platform.base_url
    admin = Browser(base)
    assert admin.login("kl", "admin@kl.dk", ADMIN_PASSWORD).status_code == 302
    onboarded = admin.post_form(
        "/admin/kommuner",
        {"municipality": str(AARHUS), "name": "Mette Kjær", "email": "mette@aarhus.dk"},
    )
    assert onboarded.status_code == 302, onboarded.text

    invitation = catcher.wait_for("mette@aarhus.dk", timeout=30)[0]
    assert "Invitation til Sikkerhedsbaseline for Aarhus" in invitation["Subject"]
    assert "Platformens administrator har oprettet en konto" in text_of(invitation)
    coordinator = choose_password(
        base, link_from(catcher, "mette@aarhus.dk", INVITATION), "blåbær i skoven om sommeren"
    )
    assert (
        coordinator.login(AARHUS, "mette@aarhus.dk", "blåbær i skoven om sommeren").status_code
        == 302
    )
    assert "Mette Kjær" in coordinator.get("/").text

    invited = coordinator.post_form(
        "/brugere",
        {"name": "Ole Hansen", "email": "ole@aarhus.dk", "role": "respondent", "language": "da"},
    )
    assert invited.status_code == 302, invited.text
    assert "Inviteret" in coordinator.get("/brugere").text
    link = link_from(catcher, "ole@aarhus.dk", INVITATION)
    assert "Mette Kjær har oprettet en konto til dig" in text_of(catcher.to("ole@aarhus.dk")[0])
    colleague = choose_password(base, link, "Oles hemmelige vej hjem")
    assert colleague.login(AARHUS, "ole@aarhus.dk", "Oles hemmelige vej hjem").status_code == 302
    assert colleague.get("/", allow_redirects=False).status_code == 200
    assert colleague.api("GET", "/me").json()["role"] == "respondent"

    users = coordinator.get("/brugere").text
    disabled = coordinator.post_form(
        f"/brugere/{user_id_of(users, 'ole@aarhus.dk')}/deaktiver", {}, token_from="/brugere"
    )
    assert disabled.status_code == 302
    assert colleague.get("/", allow_redirects=False).status_code == 302
    assert colleague.api("GET", "/me").status_code == 401
    assert colleague.login(AARHUS, "ole@aarhus.dk", "Oles hemmelige vej hjem").status_code == 200

    trail = coordinator.get("/revisionsspor").text
    for label in (
        "Kommune taget i brug",
        "Bruger inviteret",
        "Invitation taget imod",
        "Bruger deaktiveret",
        "Logget ind",
    ):
        assert label in trail, label
    exported = coordinator.get("/revisionsspor.csv")
    assert exported.headers["Content-Type"].startswith("text/csv")
    assert "Bruger deaktiveret" in exported.text and "Oles hemmelige" not in exported.text
    assert "Kommune taget i brug" in admin.get("/admin/revisionsspor").text
    assert "Bruger deaktiveret" not in admin.get("/admin/revisionsspor").text


def test_password_reset_through_the_mail(platform, catcher):
    base = platform.base_url
    stranger = Browser(base)
    asked = stranger.post_form("/glemt-adgangskode", {"municipality": "kl", "email": "admin@kl.dk"})
    assert asked.status_code == 302
    link = link_from(catcher, "admin@kl.dk", RESET)
    choose_password(base, link, "et nyt kodeord til platformen")
    assert Browser(base).login("kl", "admin@kl.dk", ADMIN_PASSWORD).status_code == 200
    assert (
        Browser(base).login("kl", "admin@kl.dk", "et nyt kodeord til platformen").status_code == 302
    )
