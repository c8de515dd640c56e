"""Reporting tests: a closed round answered by eight municipalities with two units each.

Fast timers and a short lease keep the service tests quick; every test gets fresh databases, a
fresh reports directory and empty work queues.
"""

import os

os.environ.setdefault("REPORTING_SWEEP_SECONDS", "1")
os.environ.setdefault("REPORTING_REPUBLISH_SECONDS", "3")
os.environ.setdefault("BENCHMARK_REFRESH_SECONDS", "1")
os.environ.setdefault("BENCHMARK_RECONCILE_SECONDS", "2")

import pytest  # noqa: E402
from kombu import Connection  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from services.common.db import run_migrations  # noqa: E402
from services.reporting import municipality  # noqa: E402
from services.reporting.service import MIGRATIONS  # noqa: E402
from services.reporting.workqueue import REQUEST_QUEUE, WORK_QUEUE  # noqa: E402
from tests.reporting import samples  # noqa: E402
from tests.support.questionnaires import SMALL_2026  # noqa: E402
from tests.support.services import ACTOR  # noqa: E402

YEAR = 2026
AARHUS, VEJLE = 751, 630
# kommunekode -> (policy level, reporting answer, owners option, trained share %) per municipality
PROFILES = {
    751: (4, "yes", "some", 95),
    630: (2, "no", "none", 20),
    101: (3, "partly", "all", 60),
    147: (5, "yes", "some", 40),
    157: (1, "no", "none", 10),
    461: (3, "yes", "all", 92),
    561: (2, "partly", "some", 55),
    851: (4, "partly", "all", 70),
}
UNIT_NAMES = {751: ("IT-drift", "Børn og Unge"), 630: ("Økonomi og Personale", "Social og Sundhed")}


def unit_names(municipality_id: int) -> tuple[str, str]:
    return UNIT_NAMES.get(municipality_id, ("Forvaltning A", "Forvaltning B"))


def seed(rpc, profiles: dict = PROFILES, close: bool = True) -> dict[int, list[dict]]:  # noqa: ANN001
    """Import the small questionnaire, answer it for every municipality and close the round."""
    rpc.survey.import_questionnaire(SMALL_2026)
    rpc.survey.create_round(YEAR)
    rpc.survey.open_round(YEAR)
    units = {}
    for municipality_id, (policy, reporting, owners, trained) in profiles.items():
        created = [
            rpc.survey.create_unit(municipality_id, {"name": name, "kind": "forvaltning"}, ACTOR)
            for name in unit_names(municipality_id)
        ]
        units[municipality_id] = created
        answers = [
            {"question_key": "governance.policy", "unit_id": None, "value": policy},
            {"question_key": "governance.reporting", "unit_id": None, "value": reporting},
        ]
        for index, unit in enumerate(created):
            answers += [
                {
                    "question_key": "ownership.owners",
                    "unit_id": unit["id"],
                    "value": owners if index == 0 else "none",
                },
                {
                    "question_key": "ownership.controls",
                    "unit_id": unit["id"],
                    "value": ["access"] if index == 0 else [],
                },
                {
                    "question_key": "ownership.training",
                    "unit_id": unit["id"],
                    "value": trained - 10 * index,
                },
            ]
        rpc.survey.save_answers(municipality_id, YEAR, answers, ACTOR)
    if close:
        rpc.survey.close_round(YEAR)
    return units


def empty_work_queues(amqp_uri: str) -> None:
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        for name in (WORK_QUEUE, REQUEST_QUEUE):
            channel.queue_delete(name)


@pytest.fixture
def reports_dir(tmp_path, monkeypatch):
    path = tmp_path / "reports"
    monkeypatch.setenv("REPORTS_DIR", str(path))
    return path


@pytest.fixture(scope="module")
def aarhus_sources() -> dict:
    """Aarhus' sources for 2025 as the service would collect them (from the demo history)."""
    return samples.municipality_sources(samples.AARHUS)


@pytest.fixture(scope="module")
def aarhus(aarhus_sources) -> dict:
    """Aarhus' municipality report in Danish."""
    return municipality.municipality_report(aarhus_sources, "da", samples.WHEN)


@pytest.fixture
def db(pg_database) -> Session:
    """A session on a fresh reporting database with its migrations."""
    url = pg_database("reporting")
    run_migrations(url, MIGRATIONS)
    engine = create_engine(url)
    with Session(engine) as session:
        yield session
    engine.dispose()
