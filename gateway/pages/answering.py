"""``/runder/<year>/besvar``: answer one focus area for the municipality or one unit.

The whole area is saved as one batch of the answers that changed. When survey refuses the
batch (or is down), the page comes back with the user's input intact and the message next to
the question it concerns: nothing typed is lost.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from gateway import answer_filters
from gateway.answer_form import (
    Entry,
    ParsedForm,
    area_progress,
    changed_answers,
    entry_from_answer,
    locate_error,
    parse_form,
    questions_for,
)
from gateway.auth import actor, municipality_id, municipality_required
from gateway.i18n import t
from gateway.pages.common import flat_tree, get_round, list_units, number_arg, visible_rounds
from gateway.pages.delegation import manager
from gateway.permissions import can_answer
from gateway.rpc import ServiceUnavailable, call
from services.common.errors import Conflict, ValidationFailed
from services.scoring.rules import acceptable_level

bp = Blueprint("answering", __name__)

MUNICIPALITY_SCOPE = "kommune"
ERROR_PARTS = ("value", "na", "justification", "comment")


@bp.get("/besvar")
@municipality_required
def current() -> Any:
    """The navigation's "Besvarelse": the open round, else the newest one."""
    rounds = visible_rounds()
    chosen = next((r for r in rounds if r["state"] == "open"), rounds[0] if rounds else None)
    if chosen is None:
        flash(t("dashboard.no_round"), "info")
        return redirect(url_for("dashboard.index"))
    return redirect(url_for("answering.answer", year=chosen["year"]))


def _scope(units: list[dict]) -> int | None:
    """The unit chosen in the URL; a unit lead starts on their own unit."""
    if request.args.get("unit") == MUNICIPALITY_SCOPE:
        return None
    known = {u["id"] for u in units}
    chosen = number_arg("unit")
    if chosen is not None:
        if chosen not in known:
            abort(404)
        return chosen
    if g.user.role == "unit_lead" and g.user.unit_id in known:
        return g.user.unit_id
    return None


def _area(questionnaire: dict, unit_id: int | None) -> dict:
    areas = questionnaire["areas"]
    wanted = request.args.get("area")
    for area in areas:
        if area["key"] == wanted:
            return area
    with_questions = [a for a in areas if questions_for(questionnaire, a["key"], unit_id)]
    return (with_questions or areas)[0]


def _next_area(questionnaire: dict, area_key: str, unit_id: int | None) -> str | None:
    keys = [a["key"] for a in questionnaire["areas"]]
    for key in keys[keys.index(area_key) + 1 :]:
        if questions_for(questionnaire, key, unit_id):
            return key
    return None


class AnswerPage:
    """Everything the page needs, loaded once for GET and POST alike."""

    def __init__(self, year: int) -> None:
        self.round = get_round(year)
        self.questionnaire = call("survey", "get_questionnaire", year)
        self.units = list_units()
        self.unit_id = _scope(self.units)
        self.area = _area(self.questionnaire, self.unit_id)
        answers = call("survey", "get_answers", municipality_id(), year, unit_id=self.unit_id)
        self.answers = [a for a in answers if a.get("unit_id") == self.unit_id]
        self.saved = {a["question_key"]: a for a in self.answers}
        self.all_questions = questions_for(self.questionnaire, self.area["key"], self.unit_id)
        self.filter = answer_filters.chosen_filter(request.args.get("filter"))
        self.filter_unavailable = False
        self.questions = self._filtered()
        self.readonly_reason = None
        if self.round["state"] != "open":
            self.readonly_reason = "answer.readonly_closed"
        elif not can_answer(g.user, self.unit_id, self.units):
            self.readonly_reason = "answer.readonly_role"

    def _delegated(self) -> set[str]:
        if g.user.role not in ("coordinator", "unit_lead"):
            return set()
        year = self.round["year"]
        try:
            overview = call("delegation", "overview", municipality_id(), year, manager())
        except ServiceUnavailable:
            self.filter_unavailable = True
            return set()
        return answer_filters.delegated_keys(overview, self.unit_id)

    def _filtered(self) -> list[dict]:
        """The questions the chosen filter keeps, in questionnaire order."""
        if self.filter == "all":
            return self.all_questions
        delegated = self._delegated() if self.filter == "delegated" else set()
        return answer_filters.apply(
            self.filter,
            self.all_questions,
            self.saved,
            delegated,
            acceptable_level(self.questionnaire),
        )

    def posted_questions(self) -> list[dict]:
        """The questions the posted form showed (its ``shown`` fields): only those are read,
        so a filtered page never clears the answers it did not show."""
        shown = set(request.form.getlist("shown"))
        if not shown:
            return self.all_questions
        return [q for q in self.all_questions if q["key"] in shown]

    def unit_progress(self) -> list[dict]:
        """Answered of expected per unit for the whole round, in tree order."""
        try:
            progress = call("survey", "get_progress", municipality_id(), self.round["year"])
        except ServiceUnavailable:
            return []
        counted = {u["id"]: u for u in progress.get("units", [])}
        return [
            {"unit": unit, "depth": depth, **counted[unit["id"]]}
            for unit, depth in flat_tree(self.units)
            if unit["id"] in counted
        ]

    @property
    def unit_param(self) -> str:
        return MUNICIPALITY_SCOPE if self.unit_id is None else str(self.unit_id)

    def url(self, area_key: str | None = None) -> str:
        return url_for(
            "answering.answer",
            year=self.round["year"],
            unit=self.unit_param,
            area=area_key or self.area["key"],
            filter=None if self.filter == "all" else self.filter,
        )

    def scope_name(self) -> str:
        for unit in self.units:
            if unit["id"] == self.unit_id:
                return unit["name"]
        return t("answer.whole_municipality")

    def render(
        self,
        parsed: ParsedForm | None = None,
        form_error: str | None = None,
        status: int = 200,
    ) -> Any:
        titles = {a["key"]: a["title"] for a in self.questionnaire["areas"]}
        nav = [
            dict(row, title=titles[row["key"]])
            for row in area_progress(self.questionnaire, self.unit_id, self.answers)
        ]
        items = []
        numbers = {q["key"]: n for n, q in enumerate(self.all_questions, start=1)}
        for question in self.questions:
            key = question["key"]
            number = numbers[key]
            entry: Entry = (
                parsed.entries[key]
                if parsed and key in parsed.entries
                else entry_from_answer(self.saved.get(key))
            )
            items.append(
                {
                    "number": number,
                    "question": question,
                    "saved": self.saved.get(key),
                    "entry": entry,
                    "errors": (parsed.errors.get(key, {}) if parsed else {}),
                }
            )
        body = render_template(
            "answer.html",
            round=self.round,
            area=self.area,
            nav=nav,
            items=items,
            units=flat_tree(self.units),
            unit_id=self.unit_id,
            unit_param=self.unit_param,
            scope_name=self.scope_name(),
            editable=self.readonly_reason is None,
            readonly_reason=self.readonly_reason,
            next_area=_next_area(self.questionnaire, self.area["key"], self.unit_id),
            errors=bool(parsed and parsed.errors),
            form_error=form_error,
            filters=answer_filters.FILTERS,
            chosen_filter=self.filter,
            filter_unavailable=self.filter_unavailable,
            total_questions=len(self.all_questions),
            unit_rows=self.unit_progress(),
            page_url=self.url(),
        )
        headers = {"Retry-After": str(current_app.config["RETRY_AFTER_SECONDS"])}
        return body, status, headers if status == 503 else {}


@bp.route("/runder/<year:year>/besvar", methods=("GET", "POST"))
@municipality_required
def answer(year: int) -> Any:
    page = AnswerPage(year)
    if request.method == "GET":
        return page.render()
    if page.readonly_reason is not None:
        status = 409 if page.readonly_reason == "answer.readonly_closed" else 403
        return page.render(form_error=t(page.readonly_reason), status=status)

    parsed = parse_form(request.form, page.posted_questions(), page.saved)
    if parsed.errors:
        return page.render(parsed, t("answer.fix_errors"), 422)
    changes = changed_answers(parsed.entries, page.saved, page.unit_id)
    if changes:
        try:
            result = call("survey", "save_answers", municipality_id(), year, changes, actor())
        except ValidationFailed as exc:
            key, part = locate_error(exc.field, changes)
            if key is None:
                return page.render(parsed, t("answer.error.batch"), 422)
            part = part if part in ERROR_PARTS else "other"
            parsed.add_error(key, part, f"answer.error.{part}")
            return page.render(parsed, t("answer.fix_errors"), 422)
        except Conflict:
            return page.render(parsed, t("answer.conflict"), 409)
        except ServiceUnavailable:
            return page.render(parsed, t("answer.unavailable"), 503)
        flash(t("answer.saved", count=(result or {}).get("saved", len(changes))), "success")
    else:
        flash(t("answer.nothing_changed"), "info")
    target = page.area["key"]
    if request.form.get("action") == "continue":
        target = _next_area(page.questionnaire, target, page.unit_id) or target
    return redirect(page.url(target))
