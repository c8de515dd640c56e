"""Onboarding: when a user saw the first-visit introduction.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("intro_seen_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "intro_seen_at")
