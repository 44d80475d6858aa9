"""indexes for the school-wide reports and the audit trail's retention

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The reports read marks by status (the missed ones) or all of them, never the rest of
    # the row: this index answers both without the table.
    op.create_index(
        "ix_attendance_status_session", "attendance", ["status", "session_id", "student_id"]
    )
    # "Not taken" looks up one day of every class's roll calls.
    op.create_index("ix_attendance_sessions_started", "attendance_sessions", ["started_at"])
    # `headcount db prune` deletes by age.
    op.create_index("ix_attendance_events_received", "attendance_events", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_attendance_events_received", table_name="attendance_events")
    op.drop_index("ix_attendance_sessions_started", table_name="attendance_sessions")
    op.drop_index("ix_attendance_status_session", table_name="attendance")
