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
    # Added for benchmarks (issue 4): the snapshot's revision orders events per municipality and
    # year; ``questions`` holds the municipality's score per question key.
    revision = fields.Integer(load_default=0, validate=validate.Range(min=0))
    questions = fields.Dict(
        keys=fields.String(), values=fields.Float(allow_none=True), load_default=dict
    )


class DelegationChanged(Envelope):
    """A delegation moved (delegation service); ``revision`` orders the moves of one delegation.
    No names or e-mail addresses: who the delegate is stays in the delegation service."""

    delegation_id = fields.Integer(required=True)
    year = fields.Integer(required=True)
    unit_id = fields.Integer(allow_none=True, required=True)
    question_keys = fields.List(fields.String(), required=True)
    state = fields.String(
        required=True,
        validate=validate.OneOf(
            ["assigned", "in_progress", "submitted", "sent_back", "approved", "revoked"]
        ),
    )
    revision = fields.Integer(required=True, validate=validate.Range(min=1))
    actor_role = fields.String(required=True)


class ReportReady(Envelope):
    """A report file was built and stored (reporting service); ``municipality_id`` is null for
    KL's national report. The checksum lets a consumer verify what it fetches."""

    job_id = fields.Integer(required=True)
    kind = fields.String(
        required=True, validate=validate.OneOf(["municipality", "unit", "national"])
    )
    year = fields.Integer(required=True)
    unit_id = fields.Integer(allow_none=True, load_default=None)
    format = fields.String(required=True)
    language = fields.String(required=True)
    sha256 = fields.String(required=True)
    size = fields.Integer(required=True)
    run_id = fields.Integer(allow_none=True, load_default=None)


class AnnualRunProgressed(Envelope):
    """KL's annual run moved: ``done`` and ``failed`` of ``total`` reports; national event."""

    run_id = fields.Integer(required=True)
    year = fields.Integer(required=True)
    state = fields.String(
        required=True, validate=validate.OneOf(["planned", "running", "completed"])
    )
    total = fields.Integer(required=True)
    done = fields.Integer(required=True)
    failed = fields.Integer(required=True)


SCHEMAS: dict[str, type[Schema]] = {
    "answers_saved": AnswersSaved,
    "questionnaire_imported": QuestionnaireImported,
    "round_state_changed": RoundStateChanged,
    "units_changed": UnitsChanged,
    "scores_updated": ScoresUpdated,
    "delegation_created": DelegationChanged,
    "delegation_submitted": DelegationChanged,
    "delegation_approved": DelegationChanged,
    "delegation_sent_back": DelegationChanged,
    "delegation_revoked": DelegationChanged,
    "report_ready": ReportReady,
    "annual_run_progressed": AnnualRunProgressed,
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
