"""the mail outbox moves to the mail service: keep the old rows aside until they are copied;
mail requests wait in ``mail_requests`` until the mail service has them

``mail_messages`` with rows is renamed, not dropped: ``python -m tools.move_mail_outbox`` copies
its rows into the mail service's database and drops it only then, so an upgrade that starts this
service before the copy loses no mail. An empty one (a new installation) is simply dropped.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 17:40:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().execute(sa.text("SELECT 1 FROM mail_messages LIMIT 1")).first() is None:
        op.drop_table("mail_messages")
    else:
        op.rename_table("mail_messages", "legacy_mail_messages")
    op.create_table(
        "mail_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=160), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=True),
        sa.Column("message", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_mail_requests_created_at", "mail_requests", ["created_at"])
    op.create_index("ix_mail_requests_reference", "mail_requests", ["reference"])


def downgrade() -> None:
    op.drop_index("ix_mail_requests_reference", table_name="mail_requests")
    op.drop_index("ix_mail_requests_created_at", table_name="mail_requests")
    op.drop_table("mail_requests")
    if not sa.inspect(op.get_bind()).has_table("legacy_mail_messages"):
        raise RuntimeError(
            "the old mail outbox is gone (moved to the mail service, or empty at the upgrade); "
            "a downgrade cannot bring its rows back"
        )
    op.rename_table("legacy_mail_messages", "mail_messages")
