"""One database per component: engines, Alembic upgrade on start, and nameko's session provider.

SQLite files under var/ keep a local run free of set-up; PostgreSQL is used by URL. Under
eventlet, psycopg2 is made green with psycogreen so that a slow query blocks one worker, not the
whole service.
"""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from nameko.extensions import DependencyProvider
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from services.common import config

_green_lock = threading.Lock()
_green_done = False


def make_green() -> None:
    """Let psycopg2 yield to the eventlet hub while it waits for PostgreSQL."""
    global _green_done
    with _green_lock:
        if not _green_done:
            from psycogreen.eventlet import patch_psycopg

            patch_psycopg()
            _green_done = True


def ensure_sqlite_folder(url: str) -> None:
    """SQLite creates the file but not its folder; a fresh clone has no var/ yet."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)


def create_db_engine(url: str, pool_size: int = 5) -> Engine:
    """An engine sized for ``pool_size`` concurrent workers; SQLite gets WAL and a busy timeout."""
    if url.startswith("sqlite"):
        ensure_sqlite_folder(url)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # noqa: ANN001
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    # values_plus_batch: an UPDATE of many rows (saving a batch of answers) goes to PostgreSQL
    # in one round trip instead of one per row, as psycopg2's plain executemany would.
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=2,
        pool_pre_ping=True,
        pool_recycle=1800,
        executemany_mode="values_plus_batch",
    )


def run_migrations(url: str, migrations_dir: Path) -> None:
    """Bring the component's database to the newest Alembic revision.

    On PostgreSQL an advisory lock keeps replicas that start together from racing.
    """
    ensure_sqlite_folder(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if url.startswith("postgresql"):
        engine = create_engine(url, poolclass=None)
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(7426001)"))
            try:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                conn.commit()
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(7426001)"))
                conn.commit()
        engine.dispose()
    else:
        command.upgrade(cfg, "head")


class Database(DependencyProvider):
    """Gives each nameko worker its own Session, closed (and so rolled back) when it ends.

    Workers commit explicitly before they return: nameko sends an RPC reply before
    ``worker_result`` runs, so a commit there could fail after the caller was told "saved".
    The connection pool is sized to the container's max_workers so workers never queue for a
    connection.
    """

    def __init__(self, component: str, migrations_dir: Path) -> None:
        self.component = component
        self.migrations_dir = migrations_dir
        self.engine: Engine | None = None
        self.sessions: dict = {}

    def setup(self) -> None:
        url = self.container.config.get(f"DATABASE_URL_{self.component.upper()}") or (
            config.database_url(self.component)
        )
        if url.startswith("postgresql"):
            make_green()
        run_migrations(url, self.migrations_dir)
        workers = int(self.container.config.get("max_workers", config.max_workers()))
        self.engine = create_db_engine(url, pool_size=workers)
        self.session_factory = sessionmaker(bind=self.engine, expire_on_commit=False)

    def stop(self) -> None:
        if self.engine is not None:
            self.engine.dispose()

    def get_dependency(self, worker_ctx) -> Session:  # noqa: ANN001
        session = self.session_factory()
        self.sessions[worker_ctx] = session
        return session

    def worker_teardown(self, worker_ctx) -> None:  # noqa: ANN001
        session = self.sessions.pop(worker_ctx, None)
        if session is not None:
            session.close()
