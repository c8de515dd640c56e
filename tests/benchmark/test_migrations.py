"""The Alembic revisions of the benchmark service and scoring's new revision match the models."""

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from services.benchmark.models import Base as BenchmarkBase
from services.common.db import run_migrations
from services.scoring.models import Base as ScoringBase

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("service", "metadata"),
    [("benchmark", BenchmarkBase.metadata), ("scoring", ScoringBase.metadata)],
)
def test_migrations_create_exactly_the_models(tmp_path, service, metadata):
    url = f"sqlite:///{tmp_path / service}.db"
    run_migrations(url, ROOT / "services" / service / "migrations")
    engine = create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
    engine.dispose()
