"""Accounts: users and login attempts.

Revision ID: 0001
Revises:
Create Date: 2025-11-28

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("session_version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("language", sa.String(2), nullable=False, server_default="da"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("municipality_id", "email", name="uq_users_municipality_email"),
        sa.CheckConstraint(
            "role IN ('coordinator', 'unit_lead', 'respondent', 'kl_analyst', 'admin')",
            name="ck_users_role",
        ),
    )
    op.create_index("ix_users_municipality_id", "users", ["municipality_id"])
    op.create_index(
        "uq_users_email_without_municipality",
        "users",
        ["email"],
        unique=True,
        sqlite_where=sa.text("municipality_id IS NULL"),
        postgresql_where=sa.text("municipality_id IS NULL"),
    )
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("account", sa.String(300), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_login_attempts_account", "login_attempts", ["account", "created_at"])
    op.create_index("ix_login_attempts_ip", "login_attempts", ["ip", "created_at"])
    op.create_index("ix_login_attempts_created_at", "login_attempts", ["created_at"])


def downgrade() -> None:
    op.drop_table("login_attempts")
    op.drop_table("users")
