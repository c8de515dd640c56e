"""The benchmark service: anonymised figures per round, fed by scoring's and survey's events.

Thin on purpose: event handlers keep a projection of every municipality's scores (by scoring's
revision) and of the rounds' states; the figures come from the pure ``engine``, ``disclosure``
and ``development`` modules. Closing a round computes its final figures at once; while a round
is open a timer refreshes its preliminary figures. Like scoring, a failed event is counted,
the round is marked dirty, the message goes to the dead-letter queue, and the reconciler
compares revisions with scoring and pulls what is missing.

Nothing this service returns names a municipality or carries another municipality's value:
``get_benchmark`` gives the caller's own values beside group figures, the national calls give
group figures only.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from nameko.rpc import RpcProxy
from nameko.timer import timer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.benchmark import development, disclosure, engine, projection
from services.benchmark.models import (
    KnownQuestionnaire,
    MunicipalityScore,
    RoundBenchmark,
    RoundState,
)
from services.common import config
from services.common.db import Database
from services.common.deadletter import event_handler
from services.common.deadline import within
from services.common.errors import NotFound
from services.common.handling import apply_event
from services.common.metrics import EVENTS_FAILED, Metrics
from services.common.municipalities import load_municipalities, size_class
from services.common.rpc import rpc

MIGRATIONS = Path(__file__).parent / "migrations"
REFRESH_SECONDS = float(config.env("BENCHMARK_REFRESH_SECONDS", "20"))
RECONCILE_SECONDS = float(config.env("BENCHMARK_RECONCILE_SECONDS", "60"))
log = logging.getLogger(__name__)


def disclosure_rules() -> disclosure.Rules:
    """The disclosure rules with the configured coalition size; a bad setting stops the start."""
    text = config.env("BENCHMARK_DISCLOSURE_COALITION", str(disclosure.COALITION))
    try:
        return disclosure.Rules(coalition=int(text))
    except ValueError:
        raise ValueError(
            f"BENCHMARK_DISCLOSURE_COALITION must be a whole number of at least 1, got {text!r}"
        ) from None


DISCLOSURE = disclosure_rules()


@functools.cache
def membership() -> dict[int, dict]:
    """Region and size class of every municipality: the fixed peer groups."""
    return {
        m["id"]: {"region": m["region"], "size_class": size_class(m["population"])}
        for m in load_municipalities()
    }


def _iso(moment) -> str:  # noqa: ANN001
    return moment.isoformat() + "Z"


class BenchmarkService:
    name = "benchmark"

    db: Session = Database("benchmark", MIGRATIONS)
    survey = RpcProxy("survey")
    scoring = RpcProxy("scoring")
    metrics = Metrics()

    @rpc
    def health(self) -> dict:
        self.db.execute(select(1))
        return {"service": self.name, "status": "ok"}

    # -- events -----------------------------------------------------------------------------

    @event_handler("scoring", "scores_updated")
    def on_scores_updated(self, payload: dict) -> None:
        def apply(event: dict) -> None:
            projection.apply_scores(
                self.db,
                event["municipality_id"],
                event["year"],
                event["revision"],
                event,
                force=False,
            )

        self._handle("scores_updated", payload, apply)

    @event_handler("survey", "round_state_changed")
    def on_round_state_changed(self, payload: dict) -> None:
        def apply(event: dict) -> None:
            if projection.store_round_state(self.db, event["year"], event["state"]):
                self.db.flush()
                if event["state"] == "closed":
                    self._recompute(event["year"])

        self._handle("round_state_changed", payload, apply)

    @event_handler("survey", "questionnaire_imported")
    def on_questionnaire_imported(self, payload: dict) -> None:
        def apply(event: dict) -> None:
            projection.store_questionnaire(
                self.db, event["year"], event["version"], event["questionnaire"]
            )
            projection.mark_dirty(self.db, event["year"])

        self._handle("questionnaire_imported", payload, apply)

    def _handle(self, event_type: str, payload: dict, apply) -> None:  # noqa: ANN001
        def mark_dirty(event: dict) -> None:
            projection.mark_dirty(self.db, event.get("year"))

        apply_event(self.db, self.name, event_type, payload, apply, mark_dirty)

    # -- computing --------------------------------------------------------------------------

    def _questionnaire(self, year: int) -> dict:
        held = self.db.get(KnownQuestionnaire, year)
        if held is None:
            definition = self.survey.get_questionnaire(year)
            projection.store_questionnaire(self.db, year, definition["version"], definition)
            return definition
        return held.definition

    def _recompute(self, year: int) -> RoundBenchmark | None:
        return projection.recompute_round(
            self.db, year, self._questionnaire(year), membership(), DISCLOSURE
        )

    def _recompute_and_commit(self, year: int) -> RoundBenchmark | None:
        """Recompute and store a round's figures. The first figures of a year may be stored by
        the timer, an event handler and a reader at the same moment: the loser of that insert
        race reads the winner's row and updates it instead."""
        try:
            stored = self._recompute(year)
            self.db.commit()
        except IntegrityError:
            self.db.rollback()
            stored = self._recompute(year)
            self.db.commit()
        return stored

    @timer(interval=REFRESH_SECONDS)
    @within(max(60.0, 10 * REFRESH_SECONDS))
    def refresh(self) -> None:
        """Recompute every round whose projection changed since its figures were computed."""
        dirty = self.db.scalars(select(RoundState.year).where(RoundState.dirty.is_(True))).all()
        for year in dirty:
            try:
                self._recompute_and_commit(year)
            except Exception:  # noqa: BLE001 - survey down or a bad row: next tick tries again
                self.db.rollback()
                EVENTS_FAILED.labels(service=self.name, event="refresh").inc()
                log.exception("benchmark: recomputing a round failed; retrying later")

    @timer(interval=RECONCILE_SECONDS)
    @within(max(60.0, 10 * RECONCILE_SECONDS))
    def reconcile(self) -> None:
        """Catch up with survey's round states and scoring's revisions, then refresh."""
        try:
            rounds = self.survey.list_rounds()
        except Exception:  # noqa: BLE001 - survey or broker down: try again next tick
            log.warning("benchmark: reconcile skipped, survey unreachable")
            return
        for round_ in rounds:
            projection.store_round_state(self.db, round_["year"], round_["state"])
        self.db.commit()
        for round_ in rounds:
            if round_["state"] != "draft":
                self._catch_up(round_["year"])
        self.refresh()

    def _catch_up(self, year: int) -> None:
        try:
            source = {int(k): v for k, v in self.scoring.score_revisions(year).items()}
        except Exception:  # noqa: BLE001 - scoring down: the next reconcile tries again
            log.warning("benchmark: scoring unreachable; reconcile of a round skipped")
            return
        held = projection.revisions(self.db, year)
        for municipality_id, revision in source.items():
            if held.get(municipality_id) == revision:
                continue
            try:
                scores = self.scoring.get_scores(municipality_id, year)
                data = {
                    "overall": scores["overall"],
                    "completeness": scores["completeness"],
                    "areas": {a["key"]: a["score"] for a in scores["areas"]},
                    "questions": {q["key"]: q["score"] for q in scores.get("questions", [])},
                }
                projection.apply_scores(
                    self.db, municipality_id, year, scores.get("revision", revision), data, True
                )
                self.db.commit()
            except Exception:  # noqa: BLE001 - one municipality must not stop the others
                self.db.rollback()
                EVENTS_FAILED.labels(service=self.name, event="reconcile").inc()
                log.exception("benchmark: pulling scores failed; next reconcile tries again")
        for municipality_id in set(held) - set(source):
            row = self.db.get(MunicipalityScore, (municipality_id, year))
            if row is not None:
                self.db.delete(row)
                projection.mark_dirty(self.db, year)
        self.db.commit()

    def _document(self, year: int) -> dict:
        """The round's published figures, computing them first if they are due.

        Final figures are brought up to date on demand. Preliminary ones are refreshed by the
        timer only, so that what is shown while a round is open changes at a steady pace.
        """
        round_ = self.db.get(RoundState, year)
        stored = self.db.get(RoundBenchmark, year)
        if round_ is not None and round_.state != "draft":
            closed = round_.state == "closed"
            if stored is None or (closed and (round_.dirty or stored.state != "final")):
                stored = self._recompute_and_commit(year)
        if stored is None or round_ is None or round_.state == "draft":
            raise NotFound(f"no benchmark for {year}", field="year")
        return {**stored.document, "computed_at": _iso(stored.computed_at)}

    # -- RPC --------------------------------------------------------------------------------

    @rpc
    def list_years(self) -> list[dict]:
        """Rounds that have published figures, newest first."""
        rows = self.db.scalars(select(RoundBenchmark).order_by(RoundBenchmark.year.desc()))
        return [
            {"year": r.year, "state": r.state, "computed_at": _iso(r.computed_at)} for r in rows
        ]

    @rpc
    def get_benchmark(self, municipality_id: int, year: int) -> dict:
        """The municipality's own values beside its three groups' figures, with its bands."""
        member = membership().get(municipality_id)
        if member is None:
            raise NotFound(f"no municipality {municipality_id}", field="municipality_id")
        document = self._document(year)
        own = self.db.get(MunicipalityScore, (municipality_id, year))
        view = engine.viewer_view(document, projection.score_dict(own) if own else None, member)
        return {**view, "computed_at": document["computed_at"]}

    @rpc
    def get_national(self, year: int) -> dict:
        """Every group's figures, participation and where common action is most needed."""
        document = self._document(year)
        return {
            **document,
            "priorities": engine.priorities(document, self._questionnaire(year)),
        }

    @rpc
    def get_national_series(self) -> dict:
        """The national figures of the overall index and each area, year by year."""
        rows = self.db.scalars(select(RoundBenchmark).order_by(RoundBenchmark.year)).all()
        series: dict[str, dict] = {}
        for row in rows:
            for metric, cells in row.document["metrics"].items():
                if metric == "overall" or metric.startswith("area:"):
                    series.setdefault(metric, {})[str(row.year)] = cells.get(engine.NATIONAL)
        return {
            "years": [{"year": row.year, "state": row.state} for row in rows],
            "metrics": series,
        }

    @rpc
    def get_development(self) -> dict:
        """Closed rounds: all participants year by year and the panel of each step."""
        closed = self.db.scalars(
            select(RoundState.year).where(RoundState.state == "closed").order_by(RoundState.year)
        ).all()
        rounds = []
        for year in closed:
            document = self._document(year)
            rounds.append(
                {
                    "year": year,
                    "questionnaire": self._questionnaire(year),
                    "scores": projection.scores_of(self.db, year),
                    "document": document,
                }
            )
        return development.development(rounds, membership(), DISCLOSURE)

    @rpc
    def refresh_round(self, year: int) -> dict:
        """Recompute a round now (operators, tests); returns when and how it was computed."""
        stored = self._recompute_and_commit(year)
        if stored is None:
            raise NotFound(f"no open or closed round {year}", field="year")
        return {"year": year, "state": stored.state, "computed_at": _iso(stored.computed_at)}
