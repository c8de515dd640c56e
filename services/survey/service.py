"""The survey service: questionnaires, rounds, organisational units and answers.

Thin on purpose: it validates input, calls the rules in ``answers``, ``rounds``, ``units`` and
``questionnaire_format``, stores answers and their history through ``answer_store``, shapes its
replies with ``views``, commits, and publishes events through the outbox.
"""

from __future__ import annotations

from pathlib import Path

from nameko.events import EventDispatcher
from nameko.timer import timer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.common import municipalities as reference
from services.common import outbox
from services.common.db import Database
from services.common.errors import Conflict, NotFound, ValidationFailed
from services.common.metrics import ANSWERS_SAVED, Metrics
from services.common.questionnaire import questions_by_key
from services.common.rpc import rpc
from services.common.validation import load
from services.survey import answer_store
from services.survey import answers as answer_rules
from services.survey import rounds as round_rules
from services.survey import units as unit_rules
from services.survey.models import Answer, Municipality, Outbox, Questionnaire, Round, Unit
from services.survey.questionnaire_format import (
    QuestionnaireError,
    parse_questionnaire,
    questionnaire_summary,
)
from services.survey.schemas import ActorSchema, AnswerBatchSchema, UnitSchema
from services.survey.views import answer_dict, change_dict, municipality_dict, round_dict, unit_dict

MIGRATIONS = Path(__file__).parent / "migrations"
# Questionnaires of rounds past draft (they can no longer change), by (database, year).
FROZEN_QUESTIONNAIRES: dict[tuple[str, int], dict] = {}


class SurveyService:
    name = "survey"

    db: Session = Database("survey", MIGRATIONS)
    dispatch = EventDispatcher()
    metrics = Metrics()

    @rpc
    def health(self) -> dict:
        self.db.execute(select(1))
        return {"service": self.name, "status": "ok"}

    # -- outbox -----------------------------------------------------------------------------

    def _publish(self, rows: list) -> None:
        """Publish what this worker just committed; the relay timer catches any failure."""
        self.db.commit()
        outbox.publish(self.db, Outbox, self.dispatch, self.name, rows=rows)

    @timer(interval=2)
    def relay_outbox(self) -> None:
        from datetime import timedelta

        outbox.publish(self.db, Outbox, self.dispatch, self.name, older_than=timedelta(seconds=2))

    # -- reference data ---------------------------------------------------------------------

    @timer(interval=3600, eager=True)
    def sync_municipalities(self) -> None:
        """Keep the municipality table equal to data/municipalities.csv (names, populations).

        Runs at start and hourly; a request that arrives before the first run loads the table
        itself. Two loaders racing is harmless: the loser's insert fails and it reads the
        winner's rows.
        """
        existing = {m.id: m for m in self.db.scalars(select(Municipality))}
        for row in reference.load_municipalities():
            current = existing.get(row["id"])
            if current is None:
                self.db.add(Municipality(**row))
            else:
                current.name, current.region = row["name"], row["region"]
                current.population = row["population"]
        try:
            self.db.commit()
        except IntegrityError:
            self.db.rollback()

    def _ensure_municipalities(self) -> None:
        if not self.db.scalar(select(func.count()).select_from(Municipality)):
            self.sync_municipalities()

    @rpc
    def list_municipalities(self) -> list[dict]:
        self._ensure_municipalities()
        rows = self.db.scalars(select(Municipality).order_by(Municipality.name))
        return [municipality_dict(m) for m in rows]

    @rpc
    def get_municipality(self, municipality_id: int) -> dict:
        return municipality_dict(self._municipality(municipality_id))

    def _municipality(self, municipality_id: int, lock: bool = False) -> Municipality:
        """The municipality; ``lock`` makes the writers of one municipality wait for each other.

        Saving locks the row (``SELECT … FOR UPDATE``) so that two saves of the same new
        answer cannot race to insert it twice.
        """
        found = self.db.get(Municipality, municipality_id, with_for_update=lock or None)
        if found is None:
            self._ensure_municipalities()
            found = self.db.get(Municipality, municipality_id, with_for_update=lock or None)
        if found is None:
            raise NotFound(f"no municipality {municipality_id}")
        return found

    # -- questionnaires ---------------------------------------------------------------------

    @rpc
    def import_questionnaire(self, yaml_text: str) -> dict:
        try:
            definition = parse_questionnaire(yaml_text)
        except QuestionnaireError as exc:
            raise ValidationFailed(str(exc), field=exc.path) from exc
        year = definition["year"]
        existing = self.db.get(Questionnaire, year)
        round_ = self.db.get(Round, year)
        if existing is not None:
            if existing.definition == definition:
                return questionnaire_summary(definition)
            if round_ is not None and round_.state != "draft":
                raise Conflict(
                    f"the {year} round is {round_.state}; its questionnaire can no longer change",
                    field="year",
                )
            existing.key, existing.version = definition["key"], definition["version"]
            existing.definition = definition
        else:
            self.db.add(
                Questionnaire(
                    year=year,
                    key=definition["key"],
                    version=definition["version"],
                    definition=definition,
                )
            )
        row = outbox.add_event(
            self.db,
            Outbox,
            "questionnaire_imported",
            {"year": year, "version": definition["version"], "questionnaire": definition},
            None,
        )
        self._publish([row])
        return questionnaire_summary(definition)

    @rpc
    def list_questionnaires(self) -> list[dict]:
        rows = self.db.scalars(select(Questionnaire).order_by(Questionnaire.year))
        return [questionnaire_summary(q.definition) for q in rows]

    @rpc
    def get_questionnaire(self, year: int) -> dict:
        return self._questionnaire(year).definition

    def _answerable_questionnaire(self, year: int) -> dict:
        """The questionnaire of a round that is open, kept by the process after the first read.

        A questionnaire cannot change once its round has left draft, so saves need not read
        and decode the whole definition every time. Kept per database, so test databases with
        other questionnaires for the same year never see each other's.
        """
        key = (self.db.get_bind().url.render_as_string(hide_password=True), year)
        definition = FROZEN_QUESTIONNAIRES.get(key)
        if definition is None:
            definition = self._questionnaire(year).definition
            FROZEN_QUESTIONNAIRES[key] = definition
        return definition

    def _questionnaire(self, year: int) -> Questionnaire:
        found = self.db.get(Questionnaire, year)
        if found is None:
            raise NotFound(f"no questionnaire for {year}", field="year")
        return found

    # -- rounds -----------------------------------------------------------------------------

    @rpc
    def list_rounds(self) -> list[dict]:
        rows = self.db.scalars(select(Round).order_by(Round.year.desc())).all()
        return [round_dict(r, self.db.get(Questionnaire, r.year)) for r in rows]

    @rpc
    def get_round(self, year: int) -> dict:
        return round_dict(self._round(year), self.db.get(Questionnaire, year))

    def _round(self, year: int) -> Round:
        found = self.db.get(Round, year)
        if found is None:
            raise NotFound(f"no round for {year}", field="year")
        return found

    @rpc
    def create_round(self, year: int) -> dict:
        self._questionnaire(year)
        if self.db.get(Round, year) is not None:
            raise Conflict(f"the {year} round exists already", field="year")
        round_ = Round(year=year, state="draft")
        self.db.add(round_)
        self.db.commit()
        return round_dict(round_, self.db.get(Questionnaire, year))

    @rpc
    def open_round(self, year: int) -> dict:
        return self._move_round(year, "open")

    @rpc
    def close_round(self, year: int) -> dict:
        return self._move_round(year, "closed")

    def _move_round(self, year: int, target: str) -> dict:
        from services.common.outbox import utcnow

        round_ = self._round(year)
        other_open = self.db.scalar(
            select(Round.year).where(Round.state == "open", Round.year != year)
        )
        try:
            round_rules.check_transition(round_.state, target, other_open)
        except round_rules.RoundRuleBroken as exc:
            raise Conflict(str(exc), field="state") from exc
        round_.state = target
        if target == "open":
            round_.opened_at = utcnow()
        else:
            round_.closed_at = utcnow()
        row = outbox.add_event(
            self.db, Outbox, "round_state_changed", {"year": year, "state": target}, None
        )
        self._publish([row])
        return round_dict(round_, self.db.get(Questionnaire, year))

    # -- organisational units ---------------------------------------------------------------

    def _units(self, municipality_id: int) -> list[Unit]:
        query = select(Unit).where(Unit.municipality_id == municipality_id).order_by(Unit.id)
        return list(self.db.scalars(query))

    def _unit(self, municipality_id: int, unit_id: int) -> Unit:
        unit = self.db.get(Unit, unit_id)
        if unit is None or unit.municipality_id != municipality_id:
            raise NotFound(f"no unit {unit_id}", field="unit_id")
        return unit

    @rpc
    def list_units(self, municipality_id: int) -> list[dict]:
        self._municipality(municipality_id)
        return [unit_dict(u) for u in self._units(municipality_id)]

    @rpc
    def create_unit(self, municipality_id: int, data: dict, actor: dict) -> dict:
        load(ActorSchema(), actor)
        fields = load(UnitSchema(), data)
        municipality = self._municipality(municipality_id)
        self._check_unit(municipality_id, fields)
        unit = Unit(municipality_id=municipality_id, **fields)
        self.db.add(unit)
        self.db.flush()
        self._units_changed(municipality)
        return unit_dict(unit)

    @rpc
    def update_unit(self, municipality_id: int, unit_id: int, data: dict, actor: dict) -> dict:
        load(ActorSchema(), actor)
        unit = self._unit(municipality_id, unit_id)
        if not isinstance(data, dict):
            raise ValidationFailed("the change must be an object", field="body")
        current = {k: v for k, v in unit_dict(unit).items() if k != "id"}
        fields = load(UnitSchema(), {**current, **data})
        if fields["kind"] != unit.kind and any(
            u.parent_id == unit.id for u in self._units(municipality_id)
        ):
            raise ValidationFailed("a unit with afdelinger under it stays a forvaltning", "kind")
        self._check_unit(municipality_id, fields, unit_id=unit.id)
        for name, value in fields.items():
            setattr(unit, name, value)
        self._units_changed(self._municipality(municipality_id))
        return unit_dict(unit)

    @rpc
    def delete_unit(self, municipality_id: int, unit_id: int, actor: dict) -> dict:
        load(ActorSchema(), actor)
        unit = self._unit(municipality_id, unit_id)
        if any(u.parent_id == unit.id for u in self._units(municipality_id)):
            raise Conflict("delete or move the afdelinger under this unit first", "unit_id")
        answered = answer_store.count_for_unit(self.db, municipality_id, unit.id)
        if answered:
            raise Conflict(f"the unit has {answered} answers and cannot be deleted", "unit_id")
        self.db.delete(unit)
        self.db.flush()
        self._units_changed(self._municipality(municipality_id))
        return {"deleted": unit_id}

    def _check_unit(self, municipality_id: int, fields: dict, unit_id: int | None = None) -> None:
        existing = [unit_dict(u) for u in self._units(municipality_id)]
        try:
            unit_rules.check_placement(
                fields["kind"], fields["parent_id"], {u["id"]: u for u in existing}, unit_id
            )
            unit_rules.check_name_free(fields["name"], fields["parent_id"], existing, unit_id)
        except unit_rules.UnitRuleBroken as exc:
            raise ValidationFailed(exc.problem, field=exc.field) from exc

    def _units_changed(self, municipality: Municipality) -> None:
        municipality.units_revision += 1
        units = [
            {k: u[k] for k in ("id", "name", "kind", "parent_id")}
            for u in map(unit_dict, self._units(municipality.id))
        ]
        row = outbox.add_event(
            self.db,
            Outbox,
            "units_changed",
            {"units": units, "revision": municipality.units_revision},
            municipality.id,
        )
        self._publish([row])

    # -- answers ----------------------------------------------------------------------------

    @rpc
    def save_answers(self, municipality_id: int, year: int, answers: list, actor: dict) -> dict:
        actor = load(ActorSchema(), actor)
        load(AnswerBatchSchema(), {"answers": answers})
        self._municipality(municipality_id, lock=True)
        round_ = self.db.get(Round, year)
        try:
            round_rules.check_answerable(round_.state if round_ else None, year)
        except round_rules.RoundRuleBroken as exc:
            raise Conflict(str(exc), field="year") from exc
        questionnaire = self._answerable_questionnaire(year)
        unit_ids = {u.id for u in self._units(municipality_id)}
        try:
            checked = answer_rules.check_batch(questionnaire, unit_ids, answers)
        except answer_rules.AnswerInvalid as exc:
            raise ValidationFailed(str(exc), field=exc.field) from exc
        changed = answer_store.store(self.db, municipality_id, year, checked, actor, draft=False)
        if changed:
            row = outbox.add_event(
                self.db,
                Outbox,
                "answers_saved",
                {"year": year, "answers": [answer_dict(a) for a in changed]},
                municipality_id,
            )
            self._publish([row])
            ANSWERS_SAVED.inc(len(changed))
        else:
            self.db.commit()
        return {"saved": len(changed), "answers": [answer_dict(a) for a in changed]}

    @rpc
    def get_answers(
        self,
        municipality_id: int,
        year: int,
        unit_id: int | None = None,
        area_key: str | None = None,
        all_units: bool = False,
    ) -> list[dict]:
        self._municipality(municipality_id)
        self._round(year)
        query = select(Answer).where(Answer.municipality_id == municipality_id, Answer.year == year)
        if not all_units:
            if unit_id is not None:
                self._unit(municipality_id, unit_id)
            query = query.where(Answer.unit_key == (unit_id or 0))
        if area_key:
            query = query.where(Answer.question_key.startswith(f"{area_key}."))
        return [answer_dict(a) for a in self.db.scalars(query.order_by(Answer.id))]

    @rpc
    def get_answer_history(
        self, municipality_id: int, year: int, question_key: str, unit_id: int | None = None
    ) -> list[dict]:
        self._round(year)
        changes = answer_store.history(self.db, municipality_id, year, question_key, unit_id)
        return [change_dict(c) for c in changes]

    @rpc
    def get_progress(self, municipality_id: int, year: int) -> dict:
        questionnaire = self._questionnaire(year).definition
        answers = self.get_answers(municipality_id, year, all_units=True)
        unit_ids = [u.id for u in self._units(municipality_id)]
        return answer_rules.progress(questionnaire, unit_ids, answers)

    @rpc
    def copy_forward(self, municipality_id: int, from_year: int, to_year: int, actor: dict) -> dict:
        """Start a new round from last year's answers, kept as drafts until someone confirms."""
        actor = load(ActorSchema(), actor)
        self._municipality(municipality_id, lock=True)
        round_ = self.db.get(Round, to_year)
        try:
            round_rules.check_answerable(round_.state if round_ else None, to_year)
        except round_rules.RoundRuleBroken as exc:
            raise Conflict(str(exc), field="to_year") from exc
        previous = self.get_answers(municipality_id, from_year, all_units=True)
        target = self._answerable_questionnaire(to_year)
        already = {
            (a["question_key"], a["unit_id"])
            for a in self.get_answers(municipality_id, to_year, all_units=True)
        }
        unit_ids = {u.id for u in self._units(municipality_id)}
        questions = questions_by_key(target)
        carried, skipped = [], 0
        for old in previous:
            question = questions.get(old["question_key"])
            if question is None or (old["question_key"], old["unit_id"]) in already:
                skipped += 1
                continue
            try:
                carried.append(answer_rules.check_answer(question, old, unit_ids, "answer"))
            except answer_rules.AnswerInvalid:
                skipped += 1
        changed = answer_store.store(self.db, municipality_id, to_year, carried, actor, draft=True)
        if changed:
            row = outbox.add_event(
                self.db,
                Outbox,
                "answers_saved",
                {"year": to_year, "answers": [answer_dict(a) for a in changed]},
                municipality_id,
            )
            self._publish([row])
        else:
            self.db.commit()
        return {"copied": len(changed), "skipped": skipped}

    @rpc
    def answer_watermarks(self, year: int) -> dict:
        """Per municipality: number of answers and sum of revisions, for scoring's reconciler."""
        return answer_store.watermarks(self.db, year)
