"""Survey's replies (``views``): the fields each row leaves with, without a database."""

from __future__ import annotations

from datetime import datetime

from services.survey import views
from services.survey.models import Answer, AnswerChange, Municipality, Questionnaire, Round


def test_moments_leave_as_utc_with_a_z_and_none_stays_none():
    assert views.iso(datetime(2026, 3, 5, 9, 30)) == "2026-03-05T09:30:00Z"
    assert views.iso(None) is None


def test_an_answer_and_its_history_entry():
    answer = Answer(
        question_key="governance.policy",
        unit_id=None,
        value=3,
        na=False,
        justification="Godkendt i byrådet.",
        comment=None,
        draft=True,
        revision=2,
        answered_by="Mette Kjær",
        answered_by_id=1,
        answered_at=datetime(2026, 3, 5, 9, 30),
    )
    found = views.answer_dict(answer)
    assert found["draft"] is True and found["revision"] == 2
    assert found["answered_at"] == "2026-03-05T09:30:00Z"
    assert "answered_by_id" not in found and "municipality_id" not in found
    change = AnswerChange(
        revision=2,
        old={"value": 2},
        new={"value": 3},
        actor_name="Mette Kjær",
        actor_role="coordinator",
        actor_id=1,
        changed_at=datetime(2026, 3, 5, 9, 30),
    )
    entry = views.change_dict(change)
    assert entry["old"] == {"value": 2} and entry["changed_at"] == "2026-03-05T09:30:00Z"
    assert "actor_id" not in entry


def test_a_round_names_its_questionnaire_version_when_there_is_one():
    round_ = Round(year=2026, state="open", opened_at=datetime(2026, 1, 2), closed_at=None)
    assert views.round_dict(round_, None)["questionnaire_version"] is None
    held = Questionnaire(year=2026, key="informationssikkerhed", version="2026.1", definition={})
    found = views.round_dict(round_, held)
    assert found["questionnaire_version"] == "2026.1"
    assert found["opened_at"] == "2026-01-02T00:00:00Z" and found["closed_at"] is None


def test_a_municipality_carries_its_size_class():
    small = views.municipality_dict(
        Municipality(id=825, name="Læsø", region="Nordjylland", population=1800)
    )
    large = views.municipality_dict(
        Municipality(id=751, name="Aarhus", region="Midtjylland", population=360000)
    )
    assert small["size_class"] != large["size_class"]
    assert large["name"] == "Aarhus" and large["population"] == 360000
