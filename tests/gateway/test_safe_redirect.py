"""Open redirect (issue 12): no ``next=`` ever sends the browser to another host.

Every known bypass is tried on the check itself (``gateway.redirects.safe_next``) and through each
user of ``next=``: the language switch (anonymous and logged in) and the login form (after a
correct login). The browser's reading of a ``Location`` is imitated as the WHATWG URL standard
describes it: tab, newline and carriage return are dropped, a backslash is a slash, leading
spaces and controls are stripped.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
from werkzeug.urls import iri_to_uri

from gateway.redirects import safe_next
from tests.gateway.conftest import MUNICIPALITY, PASSWORD

SITE = "https://baseline.example"

BYPASSES = [
    "/\t/evil.example/",
    "/\n/evil.example/",
    "/\r/evil.example/",
    "/\r\n/evil.example/",
    "/\t\t/evil.example/",
    "\t//evil.example/",
    " //evil.example/",
    "//evil.example/",
    "///evil.example/",
    "////evil.example/",
    "/\\evil.example/",
    "/\\/evil.example/",
    "\\\\evil.example/",
    "\\/evil.example/",
    "/\t\\evil.example/",
    "https://evil.example/",
    "HTTPS://evil.example/",
    "http:evil.example",
    "http:/evil.example",
    "http:\\\\evil.example",
    "//evil.example@baseline.example/",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "%2F%2Fevil.example/",
    "/\uff0fevil.example/",
    "\uff0f\uff0fevil.example/",
    "/\uff3cevil.example/",
    "//evil\u3002example/",
    "//evil\uff0eexample/",
    "/\u2028/evil.example/",
    "/\u00a0/evil.example/",
    "/\u200b/evil.example/",
    "/\x0b/evil.example/",
    "/\x0c/evil.example/",
    "/\x1f/evil.example/",
    "/\x7f/evil.example/",
    "evil.example/",
    "",
    "/" + "a" * 5000,
]

KEPT = [
    "/",
    "/runder/2026/besvar?unit=1&area=governance",
    "/enheder",
    "/api/v1/me",
    "/runder/2026/besvar?filter=%2F%2Fx",
    "/%2F%2Fevil.example/",
    "/evil.example/",
    "/@evil.example",
    "/\u2215evil.example/",  # a division slash after the "/": path text, percent-encoded
]


def browser_target(location: str) -> str:
    """Where a browser on SITE goes for this ``Location`` (WHATWG URL parsing, in short)."""
    cleaned = re.sub(r"[\t\n\r]", "", location.strip("\x00- "))
    return urljoin(SITE + "/start", cleaned.replace("\\", "/"))


def stays_on_site(location: str) -> bool:
    target = urlsplit(browser_target(location))
    no_controls = not re.search(r"[\x00-\x1f\x7f]", location)
    return no_controls and target.scheme == "https" and target.netloc == "baseline.example"


def test_the_browser_imitation_sees_the_reported_bypass():
    """The oracle itself: the issue's example, as werkzeug used to write it, leaves the site."""
    assert not stays_on_site("//evil.example/")
    assert not stays_on_site("/\t/evil.example/")
    assert not stays_on_site("/\\evil.example")
    assert stays_on_site("/runder/2026/besvar")


@pytest.mark.parametrize("target", BYPASSES)
def test_the_check_refuses_every_bypass(target):
    assert safe_next(target) is None


@pytest.mark.parametrize("target", KEPT)
def test_the_check_keeps_local_paths(target):
    assert safe_next(target) == target
    assert stays_on_site(target)


@pytest.mark.parametrize("value", [None, 7, b"/x", ["/x"]])
def test_the_check_refuses_what_is_not_text(value):
    assert safe_next(value) is None


def expected_location(target: str) -> str:
    """What the redirect must say: the kept path (as werkzeug writes it) or the dashboard."""
    return iri_to_uri(safe_next(target) or "/")


def assert_stays(response, target: str) -> None:  # noqa: ANN001
    assert response.status_code in (302, 400), (target, response.status_code)
    if response.status_code == 302:
        location = response.headers["Location"]
        assert stays_on_site(location), (target, location)
        assert location == expected_location(target), target


def test_the_language_switch_stays_on_the_site(client, login):
    """One app for the whole table (a fresh one per value would take a minute)."""
    for logged_in in (False, True):
        if logged_in:
            login()
        for target in BYPASSES + KEPT:
            assert_stays(client.get("/sprog/en", query_string={"next": target}), target)


def test_a_correct_login_stays_on_the_site(client, csrf):
    for target in BYPASSES + KEPT:
        page = client.get("/login", query_string={"next": target})
        assert page.status_code in (200, 400), target
        response = client.post(
            "/login",
            data={
                "municipality": str(MUNICIPALITY),
                "email": "koordinator@kk.dk",
                "password": PASSWORD,
                "csrf_token": csrf(client),
                "next": target,
            },
        )
        assert_stays(response, target)
