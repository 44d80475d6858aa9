"""operation ids per session

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPLIED = sa.text("applied AND op_id IS NOT NULL")


def upgrade() -> None:
    # One teacher's operation id must not silence another's mark in another session.
    with op.batch_alter_table("attendance_events", schema=None) as batch_op:
        batch_op.drop_index("uq_attendance_events_applied_op")
        batch_op.create_index(
            "uq_attendance_events_applied_op",
            ["session_id", "op_id"],
            unique=True,
            postgresql_where=APPLIED,
            sqlite_where=APPLIED,
        )


def downgrade() -> None:
    # Ids applied in several sessions cannot all keep a globally unique index: keep the first.
    op.execute(
        sa.text(
            "UPDATE attendance_events SET op_id = NULL WHERE applied AND op_id IS NOT NULL "
            "AND id NOT IN (SELECT min(id) FROM attendance_events "
            "WHERE applied AND op_id IS NOT NULL GROUP BY op_id)"
        )
    )
    with op.batch_alter_table("attendance_events", schema=None) as batch_op:
        batch_op.drop_index("uq_attendance_events_applied_op")
        batch_op.create_index(
            "uq_attendance_events_applied_op",
            ["op_id"],
            unique=True,
            postgresql_where=APPLIED,
            sqlite_where=APPLIED,
        )
