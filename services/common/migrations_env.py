"""The body of every component's Alembic env.py, so that migrations run one way everywhere."""

from __future__ import annotations

from alembic import context
from sqlalchemy import MetaData, create_engine, pool


def run(target_metadata: MetaData) -> None:
    """Migrate on the connection the caller passed (PostgreSQL, under a lock) or a fresh one."""
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection, target_metadata)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    with engine.connect() as conn:
        _migrate(conn, target_metadata)
        conn.commit()
    engine.dispose()


def _migrate(connection, target_metadata: MetaData) -> None:  # noqa: ANN001
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
