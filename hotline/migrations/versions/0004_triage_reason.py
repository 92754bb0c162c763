"""Requests keep why triage read them so, what the text is for and the need's gist.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("triage_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("triage_rule", sa.String(length=160), nullable=True))
        batch_op.add_column(sa.Column("intent", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("gist", sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_column("gist")
        batch_op.drop_column("intent")
        batch_op.drop_column("triage_rule")
        batch_op.drop_column("triage_reason")
