"""The event contract: producers cannot publish, and consumers cannot read, a broken payload."""

import pytest

from services.common.events import EventContractError, load_event, make_event


def test_envelope_is_added_and_checked():
    event = make_event("round_state_changed", {"year": 2026, "state": "open"}, None, 7)
    assert event["sequence"] == 7
    assert event["schema_version"] == 1
    assert event["municipality_id"] is None
    assert len(event["event_id"]) == 36
    assert load_event("round_state_changed", event) == event


def test_broken_payload_names_the_field():
    with pytest.raises(EventContractError) as raised:
        make_event("round_state_changed", {"year": 2026, "state": "halfway"}, None, 1)
    assert "state" in str(raised.value)
    with pytest.raises(EventContractError) as raised:
        make_event(
            "answers_saved",
            {"year": 2026, "answers": [{"question_key": "a.b", "unit_id": None}]},
            751,
            1,
        )
    assert "revision" in str(raised.value)


def test_unknown_event_type():
    with pytest.raises(EventContractError):
        load_event("answers_deleted", {})
