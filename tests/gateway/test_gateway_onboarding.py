"""Onboarding and comfortable answering through the gateway with the fake services: the
first-visit introduction, the cycle checklist, the handover page, filters and autosave."""

from __future__ import annotations

import re

import pytest

from gateway.models import User
from tests.gateway.conftest import MUNICIPALITY


def delegation(**values: object) -> dict:
    found = {
        "id": 1,
        "year": 2026,
        "unit_id": None,
        "unit_name": None,
        "question_keys": ["governance.training"],
        "delegate_name": "Dorte Delegat",
        "delegate_email": "dorte@kk.dk",
        "due_date": "2026-04-01",
        "state": "assigned",
        "active": True,
        "overdue": False,
    }
    found.update(values)
    return found


@pytest.fixture
def coordinator(client, login):
    login()
    return client


def steps_of(html: str) -> dict[str, str]:
    """Step title → status label, from the checklist's list items."""
    items = re.findall(
        r'<li class="step-item step-(\w+)".*?<a href="[^"]+">([^<]+)</a>', html, re.S
    )
    return {title: status for status, title in items}


def test_intro_shown_on_the_first_visit_only(coordinator, app):
    first = coordinator.get("/")
    assert "Velkommen til Sikkerhedsbaseline" in first.text
    with app.app_context():
        db = app.extensions["gateway_db"]()
        seen = db.query(User).filter_by(email="koordinator@kk.dk").one().intro_seen_at
        db.close()
    assert seen is not None
    again = coordinator.get("/")
    assert "Velkommen til Sikkerhedsbaseline" not in again.text
    assert 'href="/introduktion"' in again.text


def test_intro_page_explains_each_step_with_a_link(coordinator):
    page = coordinator.get("/introduktion")
    assert page.status_code == 200
    for title, href in (
        ("Enheder", "/enheder"),
        ("Delegering", "/runder/2026/delegeringer"),
        ("Besvarelse", "/runder/2026/besvar"),
        ("Rapporter", "/rapporter"),
        ("Sammenligning", "/runder/2026/sammenligning"),
    ):
        assert title in page.text
        assert f'href="{href}"' in page.text
    english = coordinator.get("/sprog/en?next=/introduktion", follow_redirects=True)
    assert "How the year works" in english.text


def test_a_respondent_gets_no_intro_banner_and_no_checklist(client, login):
    login("besvarer@kk.dk")
    page = client.get("/")
    assert "Velkommen til Sikkerhedsbaseline" not in page.text
    assert "Hvor er kommunen i runden" not in page.text
    assert client.get("/overdragelse").status_code == 403


def test_checklist_follows_the_services_figures(coordinator, fake_rpc):
    fake_rpc.services["delegation"].delegations = [
        delegation(id=1, overdue=True),
        delegation(id=2, state="submitted"),
    ]
    page = coordinator.get("/").text
    steps = steps_of(page)
    assert steps["Enheder"] == "done"
    assert steps["Delegering"] == "done"
    assert steps["Besvarelse"] == "next"
    assert steps["Gennemgang"] == "later"
    assert "2 delegeringer, 2 åbne" in page and "1 over fristen" in page
    assert "1 venter på dig" in page
    assert "0 af 11 svar" in page
    assert 'class="button button-primary" href="/runder/2026/besvar"' in page
    assert "Næste trin: Besvarelse" in page


def test_checklist_without_units_points_at_units_and_says_what_is_missing(coordinator, fake_rpc):
    fake_rpc.survey.units[MUNICIPALITY] = []
    fake_rpc.down.add("reporting")
    page = coordinator.get("/").text
    assert steps_of(page)["Enheder"] == "next"
    assert "Næste trin: Enheder" in page
    assert "Nogle oplysninger kunne ikke hentes lige nu" in page


def test_checklist_counts_reports_and_benchmark(coordinator, fake_rpc):
    fake_rpc.services["reporting"].reports = [
        {"id": 5, "kind": "municipality", "year": 2026, "unit_id": None, "state": "done"}
    ]
    steps = steps_of(coordinator.get("/").text)
    assert steps["Rapporter"] == "done"
    expected = (
        "done"
        if any(y["year"] == 2026 for y in fake_rpc.services["benchmark"].list_years())
        else "later"
    )
    assert steps["Sammenligning"] == expected


def test_handover_shows_units_delegations_last_year_and_colleagues(coordinator, fake_rpc):
    fake_rpc.survey.units[MUNICIPALITY][0].update(
        responsible_name="Rie Ansvarlig", responsible_email="rie@kk.dk"
    )
    fake_rpc.services["delegation"].delegations = [delegation(unit_id=1, unit_name="Borgerservice")]
    fake_rpc.services["reporting"].reports = [
        {
            "id": 9,
            "kind": "municipality",
            "year": 2025,
            "unit_id": None,
            "state": "done",
            "format": "pdf",
            "file": {"filename": "rapport-2025.pdf"},
        }
    ]
    page = coordinator.get("/overdragelse")
    assert page.status_code == 200
    text = page.text
    assert "Rie Ansvarlig" in text and "rie@kk.dk" in text
    assert "Ingen ansvarlig angivet" in text
    assert "Dorte Delegat" in text and "/runder/2026/delegeringer/1" in text
    assert "Sidste år: runden 2025" in text
    assert 'href="/rapporter/9/fil"' in text
    assert "Modenhed pr. fokusområde 2025" in text and "2,5" in text
    for colleague in ("Koordinator", "Leder", "Besvarer"):
        assert colleague in text
    assert "koordinator@aarhus.dk" not in text, "another municipality's users stay hidden"
    assert "style=" not in text
    assert only_external_scripts(text)


def test_handover_survives_services_down(coordinator, fake_rpc):
    fake_rpc.down.update({"delegation", "reporting", "scoring"})
    page = coordinator.get("/overdragelse")
    assert page.status_code == 200
    assert "Nogle oplysninger kunne ikke hentes lige nu" in page.text


def only_external_scripts(page: str) -> bool:
    """Every script is a file of the platform's own (CSP script-src 'self'), none inline."""
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    return all(
        re.search(r'src="/static/(js|dkfds)/', attrs) and not body.strip()
        for attrs, body in scripts
    )


def save(client, csrf, fields: dict, area: str = "governance", unit_id=None):
    token = client.get("/api/v1/me").get_json()["csrf_token"]
    return client.put(
        "/api/v1/rounds/2026/answers/form",
        json={"unit_id": unit_id, "area": area, "fields": fields},
        headers={"X-CSRF-Token": token},
    )


def test_help_text_is_an_accessible_disclosure_on_every_question(coordinator):
    page = coordinator.get("/runder/2026/besvar?unit=kommune&area=governance").text
    assert page.count('<details class="details help">') == 2
    assert "Hjælp til governance.policy" in page and "Hjælp til governance.training" in page


def test_answer_page_has_autosave_data_print_button_and_external_scripts_only(coordinator):
    page = coordinator.get("/runder/2026/besvar?unit=kommune&area=governance").text
    assert 'data-autosave-url="/api/v1/rounds/2026/answers/form"' in page
    assert 'data-text-saved="Gemt kl. {time}"' in page
    assert 'data-login-url="/login?next=' in page
    assert "Udskriv" in page and 'media="print"' in page
    assert 'src="/static/js/autosave.js"' in page
    assert only_external_scripts(page)
    assert " onclick=" not in page and "style=" not in page
    assert "Fremdrift pr. enhed" in page and "<progress" in page


def test_autosave_saves_valid_changes_by_the_form_rules(coordinator, fake_rpc, csrf):
    answer = save(
        coordinator,
        csrf,
        {"value-governance.policy": ["4"], "comment-governance.policy": ["  godt  "]},
    )
    assert answer.status_code == 200, answer.text
    assert answer.get_json() == {"saved": 1, "errors": {}}
    stored = fake_rpc.survey.answers[(MUNICIPALITY, 2026, "governance.policy", None)]
    assert stored["value"] == 4 and stored["comment"] == "godt"
    again = save(coordinator, csrf, {"value-governance.policy": ["4"]})
    assert again.get_json()["saved"] == 1, "the cleared comment is a change"
    same = save(coordinator, csrf, {"value-governance.policy": ["4"]})
    assert same.get_json()["saved"] == 0


def test_autosave_keeps_invalid_fields_back_and_names_them(coordinator, fake_rpc, csrf):
    answer = save(
        coordinator,
        csrf,
        {
            "value-operations.hours": ["mange"],
            "value-operations.backup": ["daily"],
        },
        area="operations",
    )
    result = answer.get_json()
    assert result["saved"] == 1
    assert "operations.hours" in result["errors"]
    assert (MUNICIPALITY, 2026, "operations.hours", None) not in fake_rpc.survey.answers


def test_autosave_needs_the_session_and_the_csrf_header(client, coordinator, fake_rpc):
    no_token = coordinator.put(
        "/api/v1/rounds/2026/answers/form",
        json={"area": "governance", "fields": {}},
    )
    assert no_token.status_code == 403
    coordinator.delete_cookie("baseline_session")
    expired = coordinator.put(
        "/api/v1/rounds/2026/answers/form",
        json={"area": "governance", "fields": {"value-governance.policy": ["2"]}},
        headers={"X-CSRF-Token": "x"},
    )
    assert expired.status_code == 401
    assert fake_rpc.survey.answers == {}


def test_autosave_refuses_a_unit_lead_outside_their_unit(client, login, csrf, fake_rpc):
    login("leder@kk.dk")
    refused = save(client, csrf, {"value-governance.owner": ["3"]}, unit_id=1)
    assert refused.status_code == 403
    allowed = save(client, csrf, {"value-governance.owner": ["3"]}, unit_id=2)
    assert allowed.status_code == 200 and allowed.get_json()["saved"] == 1


def answer_keys(html: str) -> list[str]:
    return re.findall(r'<article class="question[^"]*" id="q-([\w.]+)"', html)


def test_filters_unanswered_below_and_delegated(coordinator, fake_rpc, csrf):
    save(coordinator, csrf, {"value-governance.policy": ["2"]})
    base = "/runder/2026/besvar?unit=kommune&area=governance"
    assert answer_keys(coordinator.get(base).text) == ["governance.policy", "governance.training"]
    unanswered = coordinator.get(base + "&filter=unanswered").text
    assert answer_keys(unanswered) == ["governance.training"]
    assert "Viser 1 af 2 spørgsmål" in unanswered
    assert "2. Spørgsmål governance.training" in unanswered, "numbers stay the area's"
    assert answer_keys(coordinator.get(base + "&filter=below").text) == ["governance.policy"]
    assert answer_keys(coordinator.get(base + "&filter=delegated").text) == []
    fake_rpc.services["delegation"].delegations = [delegation()]
    delegated = coordinator.get(base + "&filter=delegated").text
    assert answer_keys(delegated) == ["governance.training"]
    fake_rpc.down.add("delegation")
    down = coordinator.get(base + "&filter=delegated").text
    assert "Delegeringerne kunne ikke hentes lige nu" in down


def test_a_filtered_form_post_leaves_the_hidden_questions_alone(coordinator, fake_rpc, csrf):
    save(coordinator, csrf, {"value-governance.policy": ["2"]})
    url = "/runder/2026/besvar?unit=kommune&area=governance&filter=unanswered"
    page = coordinator.get(url).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    posted = coordinator.post(
        url,
        data={
            "csrf_token": token,
            "shown": "governance.training",
            "value-governance.training": "yes",
            "action": "save",
        },
    )
    assert posted.status_code == 302
    assert "filter=unanswered" in posted.headers["Location"]
    answers = fake_rpc.survey.answers
    assert answers[(MUNICIPALITY, 2026, "governance.policy", None)]["value"] == 2
    assert answers[(MUNICIPALITY, 2026, "governance.training", None)]["value"] == "yes"
