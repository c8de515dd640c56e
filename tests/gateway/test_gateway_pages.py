"""The web pages as a coordinator uses them."""

from __future__ import annotations

import re

import pytest

from services.common.errors import ValidationFailed


def token_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def coordinator(client, login):
    login()
    return client


def test_dashboard_shows_round_completion_scores_and_units(coordinator):
    page = coordinator.get("/")
    assert page.status_code == 200
    text = page.text
    assert "Runde 2026" in text and "Åben" in text
    assert "Besvaret: 0 af 11 forventede svar" in text
    assert "Samlet modenhedsindeks: <strong>2,5</strong>" in text
    assert "Ledelse og organisering" in text
    assert 'class="acceptable"' in text
    assert "under acceptabelt niveau" in text
    assert "/runder/2026/besvar?area=governance&amp;unit=kommune" in text
    assert "/runder/2026/besvar?unit=3" in text
    assert "Tidligere runder" in text and "2025" in text
    assert "2027" not in text
    assert "style=" not in text and not re.search(r"<script(?![^>]*\bsrc=)", text)


def test_dashboard_survives_scoring_down(coordinator, fake_rpc):
    fake_rpc.down.add("scoring")
    page = coordinator.get("/")
    assert page.status_code == 200
    assert "Scorerne kan ikke hentes lige nu" in page.text


def test_survey_down_gives_503_page_naming_the_part(coordinator, fake_rpc):
    fake_rpc.down.add("survey")
    page = coordinator.get("/enheder")
    assert page.status_code == 503
    assert "Retry-After" in page.headers
    assert "Spørgerammer, enheder og besvarelser" in page.text
    assert "Questionnaires, units and answers" in page.text


def test_unknown_page_is_a_danish_404(coordinator):
    page = coordinator.get("/findes-ikke")
    assert page.status_code == 404
    assert "Siden findes ikke" in page.text
    assert coordinator.get("/runder/2027/besvar").status_code == 404
    assert coordinator.get("/runder/1999/scorer").status_code == 404


def test_units_tree_create_edit_delete(coordinator, fake_rpc):
    page = coordinator.get("/enheder")
    assert "Organisatoriske enheder" in page.text
    assert page.text.index("Teknik og Miljø") < page.text.index("Vej og Park")
    token = token_of(page.text)

    created = coordinator.post(
        "/enheder",
        data={
            "csrf_token": token,
            "name": "Park",
            "kind": "afdeling",
            "parent_id": "2",
            "responsible_name": "Anne",
            "responsible_email": "anne@kk.dk",
        },
    )
    assert created.status_code == 302
    unit = fake_rpc.survey.units[101][-1]
    assert unit["name"] == "Park" and unit["parent_id"] == 2
    assert "Enheden Park er oprettet" in coordinator.get("/enheder").text

    edit = coordinator.get(f"/enheder/{unit['id']}/rediger")
    assert 'value="Park"' in edit.text
    saved = coordinator.post(
        f"/enheder/{unit['id']}/rediger",
        data={"csrf_token": token, "name": "Parker", "kind": "afdeling", "parent_id": "2"},
    )
    assert saved.status_code == 302
    assert fake_rpc.survey.units[101][-1]["name"] == "Parker"

    confirm = coordinator.get(f"/enheder/{unit['id']}/slet")
    assert "Er du sikker" in confirm.text
    deleted = coordinator.post(f"/enheder/{unit['id']}/slet", data={"csrf_token": token})
    assert deleted.status_code == 302
    assert all(u["id"] != unit["id"] for u in fake_rpc.survey.units[101])


def test_unit_error_is_shown_at_the_field_with_input_kept(coordinator):
    token = token_of(coordinator.get("/enheder").text)
    page = coordinator.post(
        "/enheder",
        data={"csrf_token": token, "name": "Løs afdeling", "kind": "afdeling", "parent_id": ""},
    )
    assert page.status_code == 422
    assert "En afdeling skal ligge under en forvaltning" in page.text
    assert 'value="Løs afdeling"' in page.text


def test_deleting_a_unit_with_answers_explains_why_not(coordinator, fake_rpc):
    fake_rpc.survey.unit_with_answers.add(1)
    token = token_of(coordinator.get("/enheder").text)
    page = coordinator.post("/enheder/1/slet", data={"csrf_token": token})
    assert page.status_code == 409
    assert "kan ikke slettes, fordi der er registreret svar" in page.text


def test_form_post_without_csrf_is_rejected_in_danish(coordinator, fake_rpc):
    page = coordinator.post("/enheder", data={"name": "X", "kind": "forvaltning"})
    assert page.status_code == 400
    assert "Formularen kunne ikke sendes" in page.text
    wrong = coordinator.post(
        "/enheder", data={"name": "X", "kind": "forvaltning", "csrf_token": "forged"}
    )
    assert wrong.status_code == 400
    assert fake_rpc.calls_to("create_unit") == []


def test_answer_page_shows_inputs_help_and_references(coordinator):
    page = coordinator.get("/runder/2026/besvar?unit=kommune&area=operations")
    text = page.text
    assert page.status_code == 200
    assert "<details" in text and "Hjælp til operations.backup" in text
    assert "ISO 27001: A.5.1" in text and "NIS2: 21(2)(a)" in text and "CIS: 14.1" in text
    assert (
        'type="radio" id="value-operations.backup-daily" name="value-operations.backup" '
        'value="daily"'
    ) in text
    assert 'name="value-operations.hours"' in text and "timer" in text
    assert '<textarea class="form-input" id="value-operations.notes"' in text
    assert "Gem og fortsæt" not in text
    governance = coordinator.get("/runder/2026/besvar?unit=kommune&area=governance").text
    assert "Beskrivelse af niveau 3" in governance
    assert '<span class="tag">acceptabelt niveau</span>' in governance
    assert 'name="na-governance.training"' in governance and "Begrundelse" in governance
    assert "Gem og fortsæt" in governance
    unit_page = coordinator.get("/runder/2026/besvar?unit=3&area=operations").text
    assert (
        'type="checkbox" id="value-operations.tools-edr" name="value-operations.tools" value="edr"'
    ) in unit_page


def test_saving_sends_only_changed_answers(coordinator, fake_rpc):
    url = "/runder/2026/besvar?unit=kommune&area=governance"
    token = token_of(coordinator.get(url).text)
    first = coordinator.post(
        url,
        data={
            "csrf_token": token,
            "value-governance.policy": "2",
            "comment-governance.policy": "Politik under revision",
            "action": "save",
        },
    )
    assert first.status_code == 302
    sent = fake_rpc.calls_to("save_answers")[0][3]
    assert sent["municipality_id"] == 101 and sent["year"] == 2026
    assert sent["answers"] == [
        {
            "question_key": "governance.policy",
            "unit_id": None,
            "value": 2,
            "na": False,
            "justification": None,
            "comment": "Politik under revision",
        }
    ]
    assert sent["actor"] == {"user_id": 1, "name": "Koordinator", "role": "coordinator"}
    page = coordinator.get(url).text
    assert "Gemt: 1 svar" in page
    assert "gemt af Koordinator 02.03.2026 kl. 14:05" in page

    second = coordinator.post(
        url,
        data={
            "csrf_token": token,
            "value-governance.policy": "2",
            "comment-governance.policy": "Politik under revision",
            "value-governance.training": "partly",
        },
    )
    assert second.status_code == 302
    assert [a["question_key"] for a in fake_rpc.calls_to("save_answers")[1][3]["answers"]] == [
        "governance.training"
    ]
    coordinator.post(
        url,
        data={
            "csrf_token": token,
            "value-governance.policy": "2",
            "comment-governance.policy": "Politik under revision",
            "value-governance.training": "partly",
        },
    )
    assert len(fake_rpc.calls_to("save_answers")) == 2
    assert "Der var ingen ændringer at gemme" in coordinator.get(url).text


def test_save_and_continue_goes_to_next_area(coordinator):
    url = "/runder/2026/besvar?unit=kommune&area=governance"
    token = token_of(coordinator.get(url).text)
    response = coordinator.post(
        url, data={"csrf_token": token, "value-governance.policy": "4", "action": "continue"}
    )
    assert response.headers["Location"] == "/runder/2026/besvar?unit=kommune&area=operations"


def test_survey_422_is_shown_at_the_question_and_input_is_kept(coordinator, fake_rpc):
    url = "/runder/2026/besvar?unit=kommune&area=governance"
    token = token_of(coordinator.get(url).text)
    fake_rpc.survey.fail_next_save = ValidationFailed(
        "answers[1].justification: N/A needs a justification", field="answers[1].justification"
    )
    page = coordinator.post(
        url,
        data={
            "csrf_token": token,
            "value-governance.policy": "4",
            "comment-governance.policy": "Min vigtige kommentar",
            "na-governance.training": "1",
            "justification-governance.training": "Vi har ingen skoler",
        },
    )
    assert page.status_code == 422
    text = page.text
    assert "Intet er gemt endnu" in text
    assert 'value="4" checked' in text
    assert "Min vigtige kommentar" in text
    assert "Vi har ingen skoler" in text
    assert 'name="na-governance.training" value="1" checked' in text
    training = text[text.index('id="q-governance.training"') :]
    assert "Skriv en begrundelse (højst 2000 tegn)" in training
    policy = text[text.index('id="q-governance.policy"') : text.index('id="q-governance.training"')]
    assert "form-error-message" not in policy
    assert fake_rpc.survey.answers == {}


def test_local_checks_keep_input_and_send_nothing(coordinator, fake_rpc):
    url = "/runder/2026/besvar?unit=kommune&area=operations"
    token = token_of(coordinator.get(url).text)
    page = coordinator.post(
        url,
        data={
            "csrf_token": token,
            "value-operations.hours": "mange",
            "value-operations.notes": "Noter om drift",
        },
    )
    assert page.status_code == 422
    assert "Skriv et tal, fx 12 eller 2,5." in page.text
    assert 'value="mange"' in page.text
    assert "Noter om drift" in page.text
    assert fake_rpc.calls_to("save_answers") == []


def test_danish_decimal_comma_is_saved_as_number(coordinator, fake_rpc):
    url = "/runder/2026/besvar?unit=kommune&area=operations"
    token = token_of(coordinator.get(url).text)
    coordinator.post(url, data={"csrf_token": token, "value-operations.hours": "2,5"})
    assert fake_rpc.calls_to("save_answers")[0][3]["answers"][0]["value"] == 2.5
    assert 'value="2,5"' in coordinator.get(url).text


def test_survey_down_while_saving_keeps_input(coordinator, fake_rpc):
    url = "/runder/2026/besvar?unit=kommune&area=governance"
    token = token_of(coordinator.get(url).text)
    original = fake_rpc.call

    def save_fails(service, method, *args, **kwargs):  # noqa: ANN001, ANN202
        if method == "save_answers":
            fake_rpc.down.add("survey")
        return original(service, method, *args, **kwargs)

    fake_rpc.call = save_fails
    page = coordinator.post(
        url, data={"csrf_token": token, "comment-governance.policy": "Skrevet med omhu"}
    )
    assert page.status_code == 503
    assert "Skrevet med omhu" in page.text
    assert "kunne ikke gemmes" in page.text


def test_closed_round_is_read_only(coordinator, fake_rpc):
    fake_rpc.survey.answers[(101, 2025, "governance.policy", None)] = {
        "question_key": "governance.policy",
        "unit_id": None,
        "value": 3,
        "na": False,
        "justification": None,
        "comment": "Sidste år",
        "revision": 1,
        "answered_by": "Tidligere koordinator",
        "answered_at": "2025-05-01T10:00:00",
    }
    page = coordinator.get("/runder/2025/besvar?unit=kommune&area=governance")
    assert page.status_code == 200
    assert "Runden er ikke åben" in page.text
    assert '<form method="post" action="/runder' not in page.text
    assert "Niveau 3: Beskrivelse af niveau 3" in page.text
    token = token_of(page.text)
    posted = coordinator.post(
        "/runder/2025/besvar?unit=kommune&area=governance",
        data={"csrf_token": token, "value-governance.policy": "5"},
    )
    assert posted.status_code == 409


def test_history_page_lists_changes(coordinator):
    url = "/runder/2026/besvar?unit=kommune&area=governance"
    token = token_of(coordinator.get(url).text)
    coordinator.post(url, data={"csrf_token": token, "value-governance.policy": "2"})
    coordinator.post(url, data={"csrf_token": token, "value-governance.policy": "4"})
    page = coordinator.get("/runder/2026/historik?question=governance.policy")
    assert page.status_code == 200
    text = page.text
    assert "Ændringer af svaret" in text
    assert "Koordinator" in text and "(koordinator)" in text
    assert text.index("Niveau 4") < text.index("Ikke besvaret")
    assert "Ikke besvaret" in text
    assert coordinator.get("/runder/2026/historik?question=nope").status_code == 404


def test_scores_page_shows_scorings_recommendations(coordinator, fake_rpc):
    fake_rpc.scoring.recommendations = [
        {
            "question_key": "governance.policy",
            "area_key": "governance",
            "score": 1.0,
            "weight": 2.0,
            "gap": 2.0,
            "recommendation": {"da": "Vedtag en politik", "en": "Adopt a policy"},
        }
    ]
    page = coordinator.get("/runder/2026/scorer")
    assert page.status_code == 200
    text = page.text
    assert "Resultater 2026" in text
    assert "Borgerservice" in text and "3,5" in text
    assert "40 %" in text
    assert "Anbefalinger" in text and "Vedtag en politik" in text
    assert "under acceptabelt niveau" in text
    asked = fake_rpc.calls_to("get_recommendations")[0][3]
    assert (asked["municipality_id"], asked["year"], asked["unit_id"]) == (101, 2026, None)
    # Scoring's ranking is shown as it is: the page does not recompute it from raw answers.
    assert not fake_rpc.calls_to("get_answers")


def test_scores_page_without_scores_yet(coordinator, fake_rpc):
    fake_rpc.scoring.missing = True
    page = coordinator.get("/runder/2026/scorer")
    assert page.status_code == 200
    assert "Der er endnu ingen scorer" in page.text


def test_language_switch_to_english_and_back(coordinator):
    switched = coordinator.get("/sprog/en?next=/enheder")
    assert switched.status_code == 302
    assert switched.headers["Location"] == "/enheder"
    assert "sprog=en" in switched.headers["Set-Cookie"]
    page = coordinator.get("/enheder")
    assert "Organisational units" in page.text and '<html lang="en">' in page.text
    assert "Administration (forvaltning)" in page.text
    coordinator.get("/sprog/da")
    assert "Organisatoriske enheder" in coordinator.get("/enheder").text
    assert coordinator.get("/sprog/fr").status_code == 404
    assert coordinator.get("/sprog/en?next=//evil.example").headers["Location"] == "/"


def test_language_cookie_applies_before_login(client):
    client.get("/sprog/en")
    assert "Log in" in client.get("/login").text


def test_pages_send_security_headers(coordinator):
    response = coordinator.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"
    assert coordinator.get("/static/style.css").status_code == 200


def test_unusual_status_gets_generic_page(coordinator):
    page = coordinator.put("/enheder", data={})
    assert page.status_code in (400, 405)
    assert "error." not in page.text.split("<main", 1)[1]
