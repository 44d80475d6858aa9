"""marks and audit events without the foreign keys that every write already checks

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Per table, (constraint, column, referred table): checked per row on every insert, two thirds
# of the time of `DONE` on a class of 1,000 (docs/decisions.md, "Performance"). One batch per
# table: on SQLite each batch copies its table, and a fresh database is migrated often.
DROPPED = {
    "attendance": (
        ("fk_attendance_class_id_classes", "class_id", "classes"),
        ("fk_attendance_student_id_users", "student_id", "users"),
    ),
    "attendance_events": (
        (
            "fk_attendance_events_session_id_attendance_sessions",
            "session_id",
            "attendance_sessions",
        ),
        ("fk_attendance_events_student_id_users", "student_id", "users"),
    ),
}


def upgrade() -> None:
    for table, keys in DROPPED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _, _ in keys:
                batch_op.drop_constraint(name, type_="foreignkey")


def downgrade() -> None:
    for table, keys in DROPPED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, column, referred in keys:
                batch_op.create_foreign_key(name, referred, [column], ["id"], ondelete="CASCADE")
