"""``/delegering/<token>``: the page a delegate opens from the e-mail, without an account.

The link is the whole capability: the delegation service checks it (hash, expiry, revocation,
rate limit) and returns only the delegated questions, so the municipality comes from the token,
never from the URL or the form. Every link that does not work gets the same page, in Danish and
English, saying nothing about why, so a guessed or tampered link learns nothing.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from gateway import clients
from gateway.answering.form import ParsedForm, entry_from_answer, is_answered
from gateway.answering.saving import form_changes, mark_refusal
from gateway.i18n import t
from gateway.rpc import ServiceUnavailable
from services.common.errors import Conflict, Forbidden, NotFound, TooManyAttempts, ValidationFailed

bp = Blueprint("delegate", __name__)


def client() -> str:
    return request.remote_addr or "unknown"


def link_refused(status: int = 404) -> Any:
    """One answer for unknown, expired, revoked and tampered links alike."""
    page = render_template("delegation/link_invalid.html", status=status, bilingual=True)
    return page, status


def _questions(view: dict) -> list[dict]:
    return [q for area in view["areas"] for q in area["questions"]]


def _render(
    token: str,
    view: dict,
    parsed: ParsedForm | None = None,
    form_error: str | None = None,
    status: int = 200,
) -> Any:
    saved = {a["question_key"]: a for a in view["answers"]}
    number = 0
    areas = []
    for area in view["areas"]:
        items = []
        for question in area["questions"]:
            number += 1
            key = question["key"]
            items.append(
                {
                    "number": number,
                    "question": question,
                    "saved": saved.get(key),
                    "entry": parsed.entries[key] if parsed else entry_from_answer(saved.get(key)),
                    "errors": parsed.errors.get(key, {}) if parsed else {},
                }
            )
        areas.append({"title": area["title"], "entries": items})
    questions = _questions(view)
    body = render_template(
        "delegation/delegate.html",
        token=token,
        d=view["delegation"],
        areas=areas,
        answered=sum(is_answered(saved.get(q["key"])) for q in questions),
        total=len(questions),
        errors=bool(parsed and parsed.errors),
        form_error=form_error,
    )
    headers = {"Retry-After": str(current_app.config["RETRY_AFTER_SECONDS"])}
    return body, status, headers if status == 503 else {}


@bp.route("/delegering/<token>", methods=("GET", "POST"))
def page(token: str) -> Any:
    try:
        view = clients.delegation.open_link(token=token, client=client())
    except NotFound:
        return link_refused()
    except TooManyAttempts:
        return link_refused(429)
    if request.method == "GET":
        return _render(token, view)
    delegation = view["delegation"]
    if not delegation["editable"]:
        return _render(token, view, form_error=t("delegate.not_editable"), status=409)
    questions = _questions(view)
    saved = {a["question_key"]: a for a in view["answers"]}
    read = form_changes(request.form, questions, saved, delegation["unit_id"])
    parsed, changes = read.parsed, read.changes
    if parsed.errors:
        return _render(token, view, parsed, t("answer.fix_errors"), 422)
    submit = request.form.get("action") == "submit"
    send = clients.delegation.delegate_submit if submit else clients.delegation.delegate_save
    try:
        result = send(token=token, answers=changes, client=client())
    except (NotFound, TooManyAttempts):
        return link_refused()
    except ValidationFailed as exc:
        return _render(token, view, parsed, t(mark_refusal(parsed, exc, changes)), 422)
    except Forbidden:
        return _render(token, view, parsed, t("delegate.outside"), 403)
    except Conflict:
        return _render(token, view, parsed, t("delegate.conflict"), 409)
    except ServiceUnavailable:
        return _render(token, view, parsed, t("answer.unavailable"), 503)
    if submit:
        flash(t("delegate.submitted"), "success")
    elif result.get("saved"):
        flash(t("answer.saved", count=result["saved"]), "success")
    else:
        flash(t("answer.nothing_changed"), "info")
    return redirect(url_for("delegate.page", token=token))
