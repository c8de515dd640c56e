"""Every UI text exists in Danish and English, and the templates use only known keys."""

from __future__ import annotations

import re
from pathlib import Path

from gateway import i18n

TEMPLATES = Path(i18n.__file__).parent / "templates"
SOURCES = Path(i18n.__file__).parent


def test_catalogs_have_the_same_keys_and_no_empty_text():
    assert i18n.keys("da") == i18n.keys("en")
    for lang in i18n.LANGUAGES:
        empty = sorted(key for key in i18n.keys(lang) if not i18n.t(key, lang=lang).strip())
        assert not empty, f"{lang}: {empty}"


def test_a_catalogue_edit_reaches_the_pages_in_the_chosen_language(client):
    danish = client.get("/login").get_data(as_text=True)
    assert i18n.t("login.submit", lang="da") in danish
    client.get("/sprog/en")
    english = client.get("/login").get_data(as_text=True)
    assert i18n.t("login.submit", lang="en") in english
    assert i18n.t("login.submit", lang="en") != i18n.t("login.submit", lang="da")


def test_every_literal_key_in_templates_and_code_exists():
    used = set()
    for path in TEMPLATES.rglob("*.html"):
        used |= set(re.findall(r"_\('([a-z0-9_.]+)'\s*[,)]", path.read_text()))
    for path in SOURCES.rglob("*.py"):
        used |= set(re.findall(r'\bt\("([a-z0-9_.]+)"', path.read_text()))
        used |= set(re.findall(r'"(answer\.(?:error|readonly)\.?[a-z_.]+)"', path.read_text()))
    missing = sorted(key for key in used if not i18n.has_text(key))
    assert not missing


def test_dynamic_keys_exist():
    for prefix, names in {
        "role": ("coordinator", "unit_lead", "respondent", "kl_analyst", "admin", "delegate"),
        "round.state": ("draft", "open", "closed"),
        "unit.kind": ("forvaltning", "afdeling"),
        "answer.ypn": ("yes", "partly", "no"),
        "service": ("survey", "scoring", "delegation", "benchmark", "reporting"),
        "unit.error": ("name", "kind", "parent_id", "responsible_name", "responsible_email"),
        "answer.error": ("value", "na", "justification", "comment", "other"),
    }.items():
        for name in names:
            assert i18n.has_text(f"{prefix}.{name}")
    for status in (400, 403, 404, 409, 413, 500, 503):
        assert i18n.has_text(f"error.{status}.title") and i18n.has_text(f"error.{status}.text")


def test_formatting_follows_language(app):
    with app.test_request_context():
        from flask import g

        g.lang = "da"
        assert i18n.format_score(2.46) == "2,5"
        assert i18n.format_score(None) == "–"
        assert i18n.format_number_input(2.5) == "2,5"
        assert i18n.format_datetime("2026-07-01T10:00:00") == "01.07.2026 kl. 12:00"
        assert i18n.localized({"da": "Ja", "en": "Yes"}) == "Ja"
        g.lang = "en"
        assert i18n.format_score(2.5) == "2.5"
        assert i18n.localized({"da": "Ja", "en": "Yes"}) == "Yes"
        assert i18n.localized({"da": "Kun dansk"}) == "Kun dansk"
