"""Survey's rows as the RPC replies carry them.

Pure: no session, no nameko. One place decides each reply's fields, so the answers in an
``answers_saved`` event and in ``get_answers`` are always the same shape. Moments are stored as
naive UTC and leave with a ``Z``.
"""

from __future__ import annotations

from datetime import datetime

from services.common import municipalities as reference
from services.survey.models import Answer, AnswerChange, Municipality, Questionnaire, Round, Unit


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() + "Z" if moment else None


def unit_dict(unit: Unit) -> dict:
    return {
        "id": unit.id,
        "name": unit.name,
        "kind": unit.kind,
        "parent_id": unit.parent_id,
        "responsible_name": unit.responsible_name,
        "responsible_email": unit.responsible_email,
    }


def answer_dict(answer: Answer) -> dict:
    return {
        "question_key": answer.question_key,
        "unit_id": answer.unit_id,
        "value": answer.value,
        "na": answer.na,
        "justification": answer.justification,
        "comment": answer.comment,
        "draft": answer.draft,
        "revision": answer.revision,
        "answered_by": answer.answered_by,
        "answered_at": iso(answer.answered_at),
    }


def change_dict(change: AnswerChange) -> dict:
    """One entry of an answer's history: before and after, who and when."""
    return {
        "revision": change.revision,
        "old": change.old,
        "new": change.new,
        "actor_name": change.actor_name,
        "actor_role": change.actor_role,
        "changed_at": iso(change.changed_at),
    }


def round_dict(round_: Round, questionnaire: Questionnaire | None) -> dict:
    return {
        "year": round_.year,
        "state": round_.state,
        "questionnaire_version": questionnaire.version if questionnaire else None,
        "opened_at": iso(round_.opened_at),
        "closed_at": iso(round_.closed_at),
    }


def municipality_dict(m: Municipality) -> dict:
    return {
        "id": m.id,
        "name": m.name,
        "region": m.region,
        "population": m.population,
        "size_class": reference.size_class(m.population),
    }
