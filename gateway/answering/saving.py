"""Saving answers from the answering form: one flow for the page's post, the page's autosave
(``PUT /api/v1/rounds/<year>/answers/form``) and the delegate's page, and the one answering
permission check for the page, the autosave and the API batch.

The flow: only the questions the form showed are read (a filtered page never clears what it did
not show); the form is read by ``form.parse_form``; only changed answers are sent. The page and
the delegate's page send nothing while any field is wrong (the person fixes it first); the
autosave sends the valid answers and reports the rest. When survey refuses a batch, the error is
put next to the question and part it concerns (``mark_refusal``), and the input stays on screen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from flask import g
from werkzeug.datastructures import MultiDict

from gateway import clients
from gateway.access import actor, municipality_id
from gateway.answering.form import ParsedForm, changed_answers, locate_error, parse_form
from gateway.permissions import can_answer
from services.common.errors import Forbidden, ValidationFailed

ERROR_PARTS = ("value", "na", "justification", "comment")


@dataclass(frozen=True)
class FormChanges:
    """The read form and the answers to send (only changed ones; none on a page with errors)."""

    parsed: ParsedForm
    changes: list[dict]


def shown_questions(questions: list[dict], form: MultiDict) -> list[dict]:
    """The questions the posted form showed (its ``shown`` fields); all when it names none."""
    shown = set(form.getlist("shown"))
    if not shown:
        return questions
    return [q for q in questions if q["key"] in shown]


def form_changes(
    form: MultiDict,
    questions: list[dict],
    saved: Mapping[str, dict],
    unit_id: int | None,
    keep_valid: bool = False,
) -> FormChanges:
    """Read the form; ``keep_valid`` sends the valid answers even when others are wrong."""
    parsed = parse_form(form, shown_questions(questions, form), saved)
    if parsed.errors and not keep_valid:
        return FormChanges(parsed, [])
    valid = {key: entry for key, entry in parsed.entries.items() if key not in parsed.errors}
    return FormChanges(parsed, changed_answers(valid, saved, unit_id))


def save_changes(year: int, changes: list[dict]) -> int:
    """Send the changed answers to survey as one batch (all or nothing); how many it saved."""
    if not changes:
        return 0
    result = clients.survey.save_answers(
        municipality_id=municipality_id(), year=year, answers=changes, actor=actor()
    )
    return (result or {}).get("saved", len(changes))


def mark_refusal(parsed: ParsedForm, refusal: ValidationFailed, sent: list[dict]) -> str:
    """Put survey's refusal of a batch next to the question it names; the text key of the
    message above the form (a refusal naming no question concerns the batch)."""
    key, part = locate_error(refusal.field, sent)
    if key is None:
        return "answer.error.batch"
    part = part if part in ERROR_PARTS else "other"
    parsed.add_error(key, part, f"answer.error.{part}")
    return "answer.fix_errors"


def may_answer(unit_id: int | None, units: list[dict]) -> bool:
    """The session user may answer for this unit (None: the municipality-wide questions)."""
    return can_answer(g.user, unit_id, units)


def check_may_answer(
    unit_ids: Sequence[int | None], units: list[dict], field: Callable[[int], str]
) -> None:
    """Forbidden (naming ``field(index)``) at the first answer the session user may not give:
    a unit lead answers only for their own part of the organisation."""
    for index, unit_id in enumerate(unit_ids):
        if may_answer(unit_id, units):
            continue
        if unit_id is None:
            raise Forbidden(
                "Your role cannot answer municipality-wide questions.", field=field(index)
            )
        raise Forbidden("You cannot answer for this unit.", field=field(index))
