"""Single sign-on: the identity provider's subject of a user.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # add_column and create_index, not batch mode: rebuilding the SQLite table would lose the
    # partial unique index on e-mails without municipality.
    op.add_column("users", sa.Column("oidc_subject", sa.String(512), nullable=True))
    op.create_index(
        "uq_users_municipality_oidc_subject",
        "users",
        ["municipality_id", "oidc_subject"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_users_municipality_oidc_subject", table_name="users")
    op.drop_column("users", "oidc_subject")
