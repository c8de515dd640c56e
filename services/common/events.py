"""Event payload schemas: the one contract between services.

Every event has the same envelope (id, time, schema version, per-source sequence, municipality)
so that a consumer can apply it idempotently and in order. Producers build events with
``make_event``; consumers read them with ``load_event``, which rejects a payload that breaks the
contract instead of half-applying it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from marshmallow import INCLUDE, Schema, ValidationError, fields, validate

SCHEMA_VERSION = 1


class Envelope(Schema):
    class Meta:
        unknown = INCLUDE

    event_id = fields.String(required=True)
    event_type = fields.String(required=True)
    occurred_at = fields.String(required=True)
    schema_version = fields.Integer(required=True)
    sequence = fields.Integer(required=True)
    municipality_id = fields.Integer(allow_none=True, required=True)


class AnswerPayload(Schema):
    question_key = fields.String(required=True)
    unit_id = fields.Integer(allow_none=True, required=True)
    value = fields.Raw(allow_none=True, required=True)
    na = fields.Boolean(required=True)
    justification = fields.String(allow_none=True, load_default=None)
    comment = fields.String(allow_none=True, load_default=None)
    draft = fields.Boolean(load_default=False)
    revision = fields.Integer(required=True, validate=validate.Range(min=1))
    answered_by = fields.String(allow_none=True, load_default=None)
    answered_at = fields.String(allow_none=True, load_default=None)


class AnswersSaved(Envelope):
    year = fields.Integer(required=True)
    answers = fields.List(fields.Nested(AnswerPayload), required=True)


class QuestionnaireImported(Envelope):
    year = fields.Integer(required=True)
    version = fields.String(required=True)
    questionnaire = fields.Dict(required=True)


class RoundStateChanged(Envelope):
    year = fields.Integer(required=True)
    state = fields.String(required=True, validate=validate.OneOf(["draft", "open", "closed"]))


class UnitPayload(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    parent_id = fields.Integer(allow_none=True, required=True)


class UnitsChanged(Envelope):
    units = fields.List(fields.Nested(UnitPayload), required=True)
    revision = fields.Integer(required=True)


class ScoresUpdated(Envelope):
    year = fields.Integer(required=True)
    overall = fields.Float(allow_none=True, required=True)
    completeness = fields.Float(allow_none=True, required=True)
    areas = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True), required=True)


SCHEMAS: dict[str, type[Schema]] = {
    "answers_saved": AnswersSaved,
    "questionnaire_imported": QuestionnaireImported,
    "round_state_changed": RoundStateChanged,
    "units_changed": UnitsChanged,
    "scores_updated": ScoresUpdated,
}


class EventContractError(ValueError):
    """A payload that does not match its schema; the message names the fields."""


def make_event(event_type: str, payload: dict, municipality_id: int | None, sequence: int) -> dict:
    """Wrap ``payload`` in the envelope and check it against the contract before it leaves."""
    event = {
        "event_id": str(uuid.uuid4()),
        "event_type": event_type,
        "occurred_at": datetime.now(UTC).isoformat(),
        "schema_version": SCHEMA_VERSION,
        "sequence": sequence,
        "municipality_id": municipality_id,
        **payload,
    }
    return load_event(event_type, event)


def load_event(event_type: str, data: dict) -> dict:
    schema = SCHEMAS.get(event_type)
    if schema is None:
        raise EventContractError(f"unknown event type {event_type!r}")
    try:
        return schema().load(data)
    except ValidationError as exc:
        raise EventContractError(f"{event_type}: {exc.messages}") from exc
