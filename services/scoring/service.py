"""The scoring service: a projection of survey's answers and the maturity scores built from it.

A failed event is counted, the scores concerned are marked stale and the message goes to the
dead-letter queue (never an endless redelivery); the reconciler rebuilds the scores from the
survey service, so they always converge to what the answers say. ``SCORING_RECONCILE_SECONDS=0``
switches the reconciler off, so that the fault tests can prove the event path on its own.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from nameko.events import EventDispatcher
from nameko.rpc import RpcProxy
from nameko.timer import timer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.common import config, outbox
from services.common.db import Database
from services.common.deadletter import event_handler
from services.common.deadline import within
from services.common.errors import NotFound
from services.common.handling import apply_event
from services.common.metrics import EVENTS_FAILED, Metrics
from services.common.outbox import utcnow
from services.common.rpc import rpc
from services.scoring import history, projection, rules
from services.scoring.models import KnownQuestionnaire, Outbox, ScoreSnapshot, UnitSet

MIGRATIONS = Path(__file__).parent / "migrations"
RECONCILE_SECONDS = float(config.env("SCORING_RECONCILE_SECONDS", "30"))
RECONCILE_BOUND_SECONDS = max(60.0, 10 * RECONCILE_SECONDS)
log = logging.getLogger(__name__)


class ScoringService:
    name = "scoring"

    db: Session = Database("scoring", MIGRATIONS)
    survey = RpcProxy("survey")
    dispatch = EventDispatcher()
    metrics = Metrics()

    @rpc
    def health(self) -> dict:
        self.db.execute(select(1))
        return {"service": self.name, "status": "ok"}

    # -- events from survey -----------------------------------------------------------------

    @event_handler("survey", "questionnaire_imported")
    def on_questionnaire_imported(self, payload: dict) -> None:
        def apply(event: dict) -> None:
            projection.store_questionnaire(
                self.db, event["year"], event["version"], event["questionnaire"]
            )
            projection.mark_stale(self.db, year=event["year"])

        self._handle("questionnaire_imported", payload, apply)

    @event_handler("survey", "units_changed")
    def on_units_changed(self, payload: dict) -> None:
        def apply(event: dict) -> None:
            municipality_id = event["municipality_id"]
            unit_ids = [u["id"] for u in event["units"]]
            if projection.store_units(self.db, municipality_id, unit_ids, event["revision"]):
                projection.mark_stale(self.db, municipality_id=municipality_id)
                self._refresh_stale(municipality_id)

        self._handle("units_changed", payload, apply)

    @event_handler("survey", "answers_saved")
    def on_answers_saved(self, payload: dict) -> None:
        def apply(event: dict) -> None:
            municipality_id, year = event["municipality_id"], event["year"]
            projection.lock(self.db, municipality_id, year)
            if projection.apply_answers(self.db, municipality_id, year, event["answers"]):
                self._recompute(municipality_id, year)

        self._handle("answers_saved", payload, apply)

    @event_handler("survey", "round_state_changed")
    def on_round_state_changed(self, payload: dict) -> None:
        self._handle("round_state_changed", payload, lambda event: None)

    def _handle(self, event_type: str, payload: dict, apply) -> None:  # noqa: ANN001
        def mark_stale(event: dict) -> None:
            projection.mark_stale(self.db, municipality_id=event.get("municipality_id"))

        apply_event(self.db, self.name, event_type, payload, apply, mark_stale)
        self._publish()

    def _publish(self) -> None:
        outbox.publish(self.db, Outbox, self.dispatch, self.name)

    # -- computing --------------------------------------------------------------------------

    def _questionnaire(self, year: int) -> dict:
        held = self.db.get(KnownQuestionnaire, year)
        if held is None:
            definition = self.survey.get_questionnaire(year)
            projection.store_questionnaire(self.db, year, definition["version"], definition)
            return definition
        return held.definition

    def _unit_ids(self, municipality_id: int) -> list[int]:
        held = self.db.get(UnitSet, municipality_id)
        if held is None:
            unit_ids = [u["id"] for u in self.survey.list_units(municipality_id)]
            projection.store_units(self.db, municipality_id, unit_ids, 0)
            return unit_ids
        return list(held.unit_ids)

    def _recompute(self, municipality_id: int, year: int) -> dict:
        """Scores from the projection, written to the snapshot, under the municipality's lock."""
        projection.lock(self.db, municipality_id, year)
        snapshot = self.db.get(ScoreSnapshot, (municipality_id, year), populate_existing=True)
        questionnaire = self._questionnaire(year)
        unit_ids = self._unit_ids(municipality_id)
        answers = projection.projected_answers(self.db, municipality_id, year)
        result = rules.compute_scores(questionnaire, unit_ids, answers)
        result["questions"] = rules.question_scores(questionnaire, unit_ids, answers)
        if snapshot is None:
            snapshot = ScoreSnapshot(municipality_id=municipality_id, year=year, revision=0)
            self.db.add(snapshot)
        snapshot.result, snapshot.stale, snapshot.updated_at = result, False, utcnow()
        snapshot.revision = (snapshot.revision or 0) + 1
        outbox.add_event(
            self.db,
            Outbox,
            "scores_updated",
            {
                "year": year,
                "revision": snapshot.revision,
                "overall": result["overall"],
                "completeness": result["completeness"],
                "areas": {a["key"]: a["score"] for a in result["areas"]},
                "questions": {q["key"]: q["score"] for q in result["questions"]},
            },
            municipality_id,
        )
        return self._with_time(result, snapshot)

    def _refresh_stale(self, municipality_id: int) -> None:
        stale = self.db.scalars(
            select(ScoreSnapshot).where(
                ScoreSnapshot.municipality_id == municipality_id, ScoreSnapshot.stale.is_(True)
            )
        ).all()
        for snapshot in stale:
            self._recompute(municipality_id, snapshot.year)

    @staticmethod
    def _with_time(result: dict, snapshot: ScoreSnapshot) -> dict:
        return {
            **result,
            "updated_at": snapshot.updated_at.isoformat() + "Z",
            "revision": snapshot.revision or 0,
        }

    # -- RPC --------------------------------------------------------------------------------

    @rpc
    def get_scores(self, municipality_id: int, year: int) -> dict:
        snapshot = self.db.get(ScoreSnapshot, (municipality_id, year))
        if snapshot is not None and not snapshot.stale and snapshot.result is not None:
            return self._with_time(snapshot.result, snapshot)
        for attempt in (1, 2):
            try:
                result = self._recompute(municipality_id, year)
                self.db.commit()
                break
            except IntegrityError:
                # An event handler inserted the same projection row meanwhile: read it again.
                self.db.rollback()
                if attempt == 2:
                    raise
            except NotFound:
                self.db.rollback()
                raise
        self._publish()
        return result

    @rpc
    def get_recommendations(
        self, municipality_id: int, year: int, unit_id: int | None = None
    ) -> list[dict]:
        """The questions below the acceptable level, most urgent first (``rules.recommendations``).

        From this service's projection of the answers, so the scores page and the reports show
        the ranking scoring computed instead of computing it again from survey's raw answers.
        ``unit_id`` narrows it to that unit's answers to unit questions.
        """
        questionnaire = self._questionnaire(year)
        answers = projection.projected_answers(self.db, municipality_id, year)
        found = rules.recommendations(questionnaire, answers, unit_id=unit_id)
        self.db.commit()
        return found

    @rpc
    def get_history(self, municipality_id: int) -> dict:
        """Every year the municipality answered, oldest first, matched across versions by key.

        Scores come from this service's own snapshots (recomputed when stale or older than the
        per-question scores), so history needs no other service unless a questionnaire is new
        to scoring.
        """
        snapshots = self.db.scalars(
            select(ScoreSnapshot)
            .where(ScoreSnapshot.municipality_id == municipality_id)
            .order_by(ScoreSnapshot.year)
        ).all()
        entries, recomputed = [], False
        for snapshot in snapshots:
            result = snapshot.result
            if snapshot.stale or result is None or "questions" not in result:
                result = self._recompute(municipality_id, snapshot.year)
                recomputed = True
            if not any(area["answered"] for area in result["areas"]):
                continue
            entries.append(
                {
                    "year": snapshot.year,
                    "questionnaire": self._questionnaire(snapshot.year),
                    "result": result,
                }
            )
        if recomputed:
            self.db.commit()
            self._publish()
        return history.build_history(entries)

    @rpc
    def score_revisions(self, year: int) -> dict:
        """Per municipality the revision of its scores, for the benchmark service's reconciler."""
        rows = self.db.execute(
            select(ScoreSnapshot.municipality_id, ScoreSnapshot.revision).where(
                ScoreSnapshot.year == year
            )
        )
        return {str(municipality_id): int(revision or 0) for municipality_id, revision in rows}

    @rpc
    def rebuild(self, municipality_id: int, year: int) -> dict:
        """Recompute from the survey service's answers: the projection converges to the source."""
        definition = self.survey.get_questionnaire(year)
        projection.store_questionnaire(self.db, year, definition["version"], definition)
        unit_ids = [u["id"] for u in self.survey.list_units(municipality_id)]
        held = self.db.get(UnitSet, municipality_id)
        projection.store_units(self.db, municipality_id, unit_ids, held.revision if held else 0)
        answers = self.survey.get_answers(municipality_id, year, all_units=True)
        projection.lock(self.db, municipality_id, year)
        projection.replace_answers(self.db, municipality_id, year, answers)
        result = self._recompute(municipality_id, year)
        self.db.commit()
        self._publish()
        return result

    @within(RECONCILE_BOUND_SECONDS)
    def reconcile(self) -> None:
        """Rebuild every municipality whose projection differs from survey's, or is stale."""
        try:
            open_years = [r["year"] for r in self.survey.list_rounds() if r["state"] == "open"]
        except Exception:  # noqa: BLE001 - survey or broker down: try again next tick
            log.warning("scoring: reconcile skipped, survey unreachable")
            return
        for year in open_years:
            source = self.survey.answer_watermarks(year)
            for key, mark in source.items():
                if projection.watermark(self.db, int(key), year) != mark:
                    log.info("scoring: projection behind for a municipality; rebuilding")
                    self._try_rebuild(int(key), year)
        stale = self.db.scalars(select(ScoreSnapshot).where(ScoreSnapshot.stale.is_(True))).all()
        for snapshot in stale:
            self._try_rebuild(snapshot.municipality_id, snapshot.year)
        self.db.commit()
        outbox.publish(self.db, Outbox, self.dispatch, self.name, older_than=timedelta(seconds=2))

    if RECONCILE_SECONDS > 0:
        reconcile = timer(interval=RECONCILE_SECONDS)(reconcile)

    def _try_rebuild(self, municipality_id: int, year: int) -> None:
        try:
            self.rebuild(municipality_id, year)
        except Exception:  # noqa: BLE001 - one failing municipality must not stop the others
            self.db.rollback()
            EVENTS_FAILED.labels(service=self.name, event="reconcile").inc()
            log.exception("scoring: rebuild failed; next reconcile tries again")
