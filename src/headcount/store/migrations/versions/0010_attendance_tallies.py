"""each student's marks per class and month, counted once as a roll call finishes

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The first day of a session's month in UTC, as each backend stores a date.
MONTH = {
    "postgresql": "date_trunc('month', s.started_at AT TIME ZONE 'UTC')::date",
    "sqlite": "date(s.started_at, 'start of month')",
}


def upgrade() -> None:
    op.create_table(
        "attendance_tallies",
        sa.Column("class_id", sa.Uuid(), nullable=False),
        sa.Column("student_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in ("sessions", "present", "late", "absent", "excused")
        ),
        sa.PrimaryKeyConstraint(
            "class_id", "student_id", "month", name=op.f("pk_attendance_tallies")
        ),
    )
    op.add_column(
        "attendance_sessions",
        sa.Column("tallied", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    # Every roll call already finished is tallied here, once, as `DONE` tallies the next ones.
    month = MONTH[op.get_bind().dialect.name]
    op.execute(
        f"""
        INSERT INTO attendance_tallies
            (class_id, student_id, month, sessions, present, late, absent, excused)
        SELECT a.class_id, a.student_id, {month}, count(*),
            sum(CASE WHEN a.status = 'present' THEN 1 ELSE 0 END),
            sum(CASE WHEN a.status = 'late' THEN 1 ELSE 0 END),
            sum(CASE WHEN a.status = 'absent' THEN 1 ELSE 0 END),
            sum(CASE WHEN a.status = 'excused' THEN 1 ELSE 0 END)
        FROM attendance a JOIN attendance_sessions s ON s.id = a.session_id
        WHERE s.ended_at IS NOT NULL
        GROUP BY a.class_id, a.student_id, {month}
        """
    )
    op.execute("UPDATE attendance_sessions SET tallied = true WHERE ended_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("attendance_sessions", schema=None) as batch_op:
        batch_op.drop_column("tallied")
    op.drop_table("attendance_tallies")
