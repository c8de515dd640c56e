"""The survey service against real RabbitMQ and PostgreSQL."""

import pytest
from nameko.events import event_handler

from services.common.errors import Conflict, NotFound, ValidationFailed
from services.survey.service import SurveyService
from tests.support.questionnaires import SMALL_2026
from tests.support.services import ACTOR, rpc_proxy, start_services, wait_for

AARHUS, VEJLE = 751, 630
RECEIVED: list[tuple[str, dict]] = []


class EventRecorder:
    """Stands in for scoring: records what survey publishes."""

    name = "recorder"

    @event_handler("survey", "answers_saved")
    def answers_saved(self, payload):
        RECEIVED.append(("answers_saved", payload))

    @event_handler("survey", "units_changed")
    def units_changed(self, payload):
        RECEIVED.append(("units_changed", payload))

    @event_handler("survey", "round_state_changed")
    def round_state_changed(self, payload):
        RECEIVED.append(("round_state_changed", payload))


@pytest.fixture
def survey(container_factory, service_config):
    config = service_config("survey")
    RECEIVED.clear()
    start_services(container_factory, config, EventRecorder, SurveyService)
    with rpc_proxy(config) as rpc:
        yield rpc.survey


@pytest.fixture
def open_round(survey):
    survey.import_questionnaire(SMALL_2026)
    survey.create_round(2026)
    survey.open_round(2026)
    return 2026


def make_unit(survey, municipality_id=AARHUS, name="Børn og Unge"):
    return survey.create_unit(municipality_id, {"name": name, "kind": "forvaltning"}, ACTOR)


def test_health_and_municipalities(survey):
    assert survey.health() == {"service": "survey", "status": "ok"}
    municipalities = survey.list_municipalities()
    assert len(municipalities) == 98
    aarhus = survey.get_municipality(AARHUS)
    assert aarhus["region"] == "Midtjylland"
    assert aarhus["size_class"] == "largest"
    with pytest.raises(NotFound):
        survey.get_municipality(9999)


def test_import_rejects_a_broken_file_naming_the_key(survey):
    broken = SMALL_2026.replace("weight: 3", "weight: -1")
    with pytest.raises(ValidationFailed) as raised:
        survey.import_questionnaire(broken)
    assert "ownership.owners" in str(raised.value)
    assert raised.value.field.endswith("weight")
    assert survey.list_questionnaires() == []


def test_round_lifecycle(survey):
    survey.import_questionnaire(SMALL_2026)
    assert survey.create_round(2026)["state"] == "draft"
    with pytest.raises(Conflict):
        survey.create_round(2026)
    with pytest.raises(NotFound):
        survey.create_round(2031)
    assert survey.open_round(2026)["state"] == "open"
    with pytest.raises(Conflict):
        survey.open_round(2026)
    assert survey.close_round(2026)["state"] == "closed"
    with pytest.raises(Conflict):
        survey.open_round(2026)
    states = [p["state"] for kind, p in wait_for(lambda: len(RECEIVED) >= 2 and RECEIVED)]
    assert states == ["open", "closed"]


def test_units_tree_rules_and_tenancy(survey):
    top = make_unit(survey)
    child = survey.create_unit(
        AARHUS, {"name": "Skoler", "kind": "afdeling", "parent_id": top["id"]}, ACTOR
    )
    assert child["parent_id"] == top["id"]
    with pytest.raises(ValidationFailed) as raised:
        survey.create_unit(AARHUS, {"name": "Løs", "kind": "afdeling"}, ACTOR)
    assert raised.value.field == "parent_id"
    with pytest.raises(ValidationFailed) as raised:
        survey.create_unit(AARHUS, {"name": "børn og unge", "kind": "forvaltning"}, ACTOR)
    assert raised.value.field == "name"
    with pytest.raises(ValidationFailed) as raised:
        survey.create_unit(AARHUS, {"name": "X", "kind": "kontor"}, ACTOR)
    assert raised.value.field == "kind"
    # Another municipality cannot see, change, delete or hang units under Aarhus' units.
    assert survey.list_units(VEJLE) == []
    with pytest.raises(NotFound):
        survey.update_unit(VEJLE, top["id"], {"name": "Overtaget"}, ACTOR)
    with pytest.raises(NotFound):
        survey.delete_unit(VEJLE, child["id"], ACTOR)
    with pytest.raises(ValidationFailed):
        survey.create_unit(
            VEJLE, {"name": "Snyd", "kind": "afdeling", "parent_id": top["id"]}, ACTOR
        )
    with pytest.raises(Conflict):
        survey.delete_unit(AARHUS, top["id"], ACTOR)
    renamed = survey.update_unit(AARHUS, top["id"], {"responsible_name": "Lise"}, ACTOR)
    assert renamed["responsible_name"] == "Lise"
    survey.delete_unit(AARHUS, child["id"], ACTOR)
    changes = wait_for(lambda: (e := [p for k, p in RECEIVED if k == "units_changed"])[3:] and e)
    assert [u["name"] for u in changes[-1]["units"]] == ["Børn og Unge"]


def test_ids_beyond_postgresqls_integer_are_refused_naming_them(survey):
    """Beyond ``integer`` survey answered NotFound on PostgreSQL and crashed on SQLite; now the
    RPC entrypoint refuses the id itself, naming the argument, on every database."""
    top = make_unit(survey)
    huge, beyond_64_bits = 2**31, 10**20
    calls = [
        (lambda: survey.update_unit(AARHUS, huge, {"name": "X"}, ACTOR), "unit_id"),
        (lambda: survey.delete_unit(AARHUS, beyond_64_bits, ACTOR), "unit_id"),
        (lambda: survey.get_municipality(huge), "municipality_id"),
        (lambda: survey.list_units(beyond_64_bits), "municipality_id"),
        (lambda: survey.get_round(huge), "year"),
        (
            lambda: survey.create_unit(
                AARHUS, {"name": "Skoler", "kind": "afdeling", "parent_id": huge}, ACTOR
            ),
            "parent_id",
        ),
    ]
    for call, field in calls:
        with pytest.raises(ValidationFailed) as refused:
            call()
        assert refused.value.field == field
    assert [u["id"] for u in survey.list_units(AARHUS)] == [top["id"]]


def test_save_answers_history_and_event(survey, open_round):
    unit = make_unit(survey)
    batch = [
        {"question_key": "governance.policy", "unit_id": None, "value": 2},
        {"question_key": "ownership.owners", "unit_id": unit["id"], "value": "some"},
    ]
    result = survey.save_answers(AARHUS, 2026, batch, ACTOR)
    assert result["saved"] == 2
    # Saving the same again changes nothing and publishes nothing new.
    assert survey.save_answers(AARHUS, 2026, batch, ACTOR)["saved"] == 0
    changed = survey.save_answers(
        AARHUS,
        2026,
        [{"question_key": "governance.policy", "unit_id": None, "value": 4}],
        {"user_id": 2, "name": "Sara Lund", "role": "respondent"},
    )
    assert changed["answers"][0]["revision"] == 2
    history = survey.get_answer_history(AARHUS, 2026, "governance.policy")
    assert [(h["old"] and h["old"]["value"], h["new"]["value"]) for h in history] == [
        (2, 4),
        (None, 2),
    ]
    assert history[0]["actor_name"] == "Sara Lund"
    municipality_answers = survey.get_answers(AARHUS, 2026)
    assert [a["question_key"] for a in municipality_answers] == ["governance.policy"]
    unit_answers = survey.get_answers(AARHUS, 2026, unit_id=unit["id"])
    assert unit_answers[0]["value"] == "some"
    events = wait_for(lambda: (e := [p for k, p in RECEIVED if k == "answers_saved"])[1:] and e)
    assert events[0]["municipality_id"] == AARHUS
    assert events[1]["answers"][0]["revision"] == 2
    assert events[1]["sequence"] > events[0]["sequence"]
    progress = survey.get_progress(AARHUS, 2026)
    assert progress["municipality"] == {"answered": 2, "expected": 6}
    # Vejle sees none of it.
    assert survey.get_answers(VEJLE, 2026, all_units=True) == []
    assert survey.get_answer_history(VEJLE, 2026, "governance.policy") == []
    with pytest.raises(NotFound):
        survey.get_answers(VEJLE, 2026, unit_id=unit["id"])


@pytest.mark.parametrize(
    ("answer", "field"),
    [
        ({"question_key": "governance.nope", "unit_id": None, "value": 3}, "question_key"),
        ({"question_key": "governance.policy", "unit_id": None, "value": 7}, "value"),
        ({"question_key": "governance.reporting", "unit_id": None, "na": True}, "justification"),
        (
            {
                "question_key": "governance.policy",
                "unit_id": None,
                "na": True,
                "justification": "x",
            },
            "na",
        ),
        ({"question_key": "ownership.owners", "unit_id": None, "value": "all"}, "unit_id"),
        ({"question_key": "ownership.controls", "unit_id": "UNIT", "value": ["dns"]}, "value"),
        ({"question_key": "ownership.training", "unit_id": "UNIT", "value": -3}, "value"),
    ],
)
def test_bad_answers_are_rejected_whole(survey, open_round, answer, field):
    unit = make_unit(survey)
    if answer.get("unit_id") == "UNIT":
        answer = {**answer, "unit_id": unit["id"]}
    good = {"question_key": "governance.notes", "unit_id": None, "value": "Bemærkning"}
    with pytest.raises(ValidationFailed) as raised:
        survey.save_answers(AARHUS, 2026, [good, answer], ACTOR)
    assert raised.value.field == f"answers[1].{field}"
    assert survey.get_answers(AARHUS, 2026, all_units=True) == []


def test_unit_of_another_municipality_cannot_be_answered(survey, open_round):
    vejle_unit = make_unit(survey, VEJLE, "Børn og Familie")
    with pytest.raises(ValidationFailed) as raised:
        survey.save_answers(
            AARHUS,
            2026,
            [{"question_key": "ownership.owners", "unit_id": vejle_unit["id"], "value": "all"}],
            ACTOR,
        )
    assert raised.value.field == "answers[0].unit_id"


def test_closed_round_is_read_only(survey, open_round):
    survey.save_answers(
        AARHUS, 2026, [{"question_key": "governance.policy", "unit_id": None, "value": 3}], ACTOR
    )
    survey.close_round(2026)
    with pytest.raises(Conflict) as raised:
        survey.save_answers(
            AARHUS,
            2026,
            [{"question_key": "governance.policy", "unit_id": None, "value": 5}],
            ACTOR,
        )
    assert raised.value.field == "year"
    assert survey.get_answers(AARHUS, 2026)[0]["value"] == 3
    with pytest.raises(Conflict):
        survey.import_questionnaire(SMALL_2026.replace("Testspørgeramme", "Ændret"))


def test_copy_forward_matches_by_key_as_drafts(survey):
    small_2025 = SMALL_2026.replace("year: 2026", "year: 2025").replace('"2026.1"', '"2025.1"')
    survey.import_questionnaire(small_2025)
    survey.create_round(2025)
    survey.open_round(2025)
    unit = make_unit(survey)
    survey.save_answers(
        AARHUS,
        2025,
        [
            {"question_key": "governance.policy", "unit_id": None, "value": 3},
            {"question_key": "ownership.owners", "unit_id": unit["id"], "value": "all"},
        ],
        ACTOR,
    )
    survey.close_round(2025)
    survey.import_questionnaire(SMALL_2026)
    survey.create_round(2026)
    survey.open_round(2026)
    survey.save_answers(
        AARHUS, 2026, [{"question_key": "governance.policy", "unit_id": None, "value": 5}], ACTOR
    )
    assert survey.copy_forward(AARHUS, 2025, 2026, ACTOR) == {"copied": 1, "skipped": 1}
    copied = survey.get_answers(AARHUS, 2026, unit_id=unit["id"])[0]
    assert copied["draft"] is True and copied["value"] == "all"
    assert survey.get_answers(AARHUS, 2026)[0]["value"] == 5
    assert survey.copy_forward(AARHUS, 2025, 2026, ACTOR)["copied"] == 0
