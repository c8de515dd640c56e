"""The gateway's database: migrated at start, one SQLAlchemy session per request."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy.orm import Session, sessionmaker

from services.common import config
from services.common.db import create_db_engine, run_migrations

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def make_sessionmaker(url: str, pool_size: int = 16) -> sessionmaker[Session]:
    """Migrate the database to head, then hand out sessions bound to it."""
    run_migrations(url, MIGRATIONS_DIR)
    engine = create_db_engine(url, pool_size=pool_size)
    return sessionmaker(bind=engine, expire_on_commit=False)


def init_app(app: Flask) -> None:
    """Migrate on start, so a fresh install or an upgrade needs no separate step."""
    app.extensions["gateway_db"] = make_sessionmaker(app.config["DATABASE_URL"])
    app.teardown_appcontext(close_db)


def get_db() -> Session:
    """The request's session, opened on first use."""
    if "db" not in g:
        g.db = current_app.extensions["gateway_db"]()
    return g.db


def close_db(_exc: BaseException | None = None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A migrated session outside a request (CLI, demo loader); commits when the block ends."""
    factory = make_sessionmaker(url or config.database_url("gateway"), pool_size=1)
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        factory.kw["bind"].dispose()
