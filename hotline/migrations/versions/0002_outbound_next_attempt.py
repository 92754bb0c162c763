"""Outbound retries are scheduled in the database: next_attempt_at.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbound_messages") as batch:
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index(
            "ix_outbound_messages_status_next_attempt_at", ["status", "next_attempt_at"]
        )


def downgrade() -> None:
    with op.batch_alter_table("outbound_messages") as batch:
        batch.drop_index("ix_outbound_messages_status_next_attempt_at")
        batch.drop_column("next_attempt_at")
