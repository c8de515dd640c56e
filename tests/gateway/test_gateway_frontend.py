"""Det Fælles Designsystem served by the gateway from node_modules/dkfds (gateway/frontend.py)."""

from __future__ import annotations

import re

import pytest

from gateway.frontend import package_version


def test_pages_link_the_design_system_and_it_is_served_for_a_year(client):
    page = client.get("/login")
    css = re.search(r'href="(/static/dkfds/[^"]+/css/dkfds\.min\.css)"', page.text)
    script = re.search(r'src="(/static/dkfds/[^"]+/js/dkfds\.min\.js)"', page.text)
    assert css and script, "the login page does not link DKFDS"
    served = client.get(css.group(1))
    assert served.status_code == 200 and b".form-group" in served.data
    assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Content-Security-Policy" in served.headers
    assert client.get(script.group(1)).status_code == 200
    assert 'class="header"' in page.text and 'class="skipnav"' in page.text


def test_an_old_version_or_a_path_outside_the_package_is_not_served(client):
    assert client.get("/static/dkfds/0.0.1/css/dkfds.min.css").status_code == 404
    version = package_version()
    assert client.get(f"/static/dkfds/{version}/../package.json").status_code == 404


def test_a_missing_package_stops_the_gateway_with_what_to_do(tmp_path):
    with pytest.raises(RuntimeError, match="run scripts/bootstrap"):
        package_version(tmp_path / "dkfds")


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)")


@pytest.mark.parametrize("path", ["/enheder", "/brugere", "/revisionsspor", "/findes-ikke"])
def test_pages_use_the_design_system_without_inline_code(client, login, path):
    """The CSP forbids inline script and style; the DKFDS header, menu and footer are there."""
    login()
    page = client.get(path)
    assert page.status_code in (200, 404)
    assert not INLINE_SCRIPT.search(page.text) and "style=" not in page.text
    for marker in (
        'class="header"',
        'class="navigation-menu"',
        'class="mobile-drawer"',
        'class="footer"',
        'aria-current="page"' if page.status_code == 200 else "",
    ):
        assert marker in page.text, f"{path} lacks {marker}"


def test_a_refused_form_names_the_field_in_an_error_summary_that_links_to_it(client, login):
    login()
    page = client.get("/enheder")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    refused = client.post(
        "/enheder",
        data={"csrf_token": token, "name": "", "kind": "forvaltning", "parent_id": ""},
    )
    assert refused.status_code in (200, 422)
    summary = refused.text[refused.text.index('data-module="error-summary"') :]
    assert '<a class="function-link" href="#unit-name">' in summary
    assert 'class="form-group form-error"' in refused.text
    assert 'aria-invalid="true" aria-describedby="unit-name-error"' in refused.text
    assert '<span class="form-error-message" id="unit-name-error">' in refused.text
