"""Volunteers get a weekly availability and an override (on or off call until an instant).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("volunteers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("availability", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("override_on", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("override_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("volunteers", schema=None) as batch_op:
        batch_op.drop_column("override_until")
        batch_op.drop_column("override_on")
        batch_op.drop_column("availability")
