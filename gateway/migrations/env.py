"""Alembic environment of the gateway's database (the caller's connection, or one from the URL)."""

from gateway.models import Base
from services.common.migrations_env import run

run(Base.metadata)
