"""amendments: a correction's reason and the status it replaced

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("attendance_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("previous_status", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attendance_events", schema=None) as batch_op:
        batch_op.drop_column("previous_status")
        batch_op.drop_column("reason")
