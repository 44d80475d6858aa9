"""check-in, replay and audit trail

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attendance_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("student_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied", sa.Boolean(), nullable=False),
        sa.Column("op_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["attendance_sessions.id"],
            name=op.f("fk_attendance_events_session_id_attendance_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["users.id"],
            name=op.f("fk_attendance_events_student_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_events")),
    )
    with op.batch_alter_table("attendance_events", schema=None) as batch_op:
        batch_op.create_index("ix_attendance_events_session", ["session_id", "id"], unique=False)
        batch_op.create_index(
            "uq_attendance_events_applied_op",
            ["op_id"],
            unique=True,
            postgresql_where=sa.text("applied AND op_id IS NOT NULL"),
            sqlite_where=sa.text("applied AND op_id IS NOT NULL"),
        )

    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(length=16), server_default="ws", nullable=False)
        )

    with op.batch_alter_table("attendance_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checkin_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("checkin_open", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(sa.Column("late_after_minutes", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attendance_sessions", schema=None) as batch_op:
        batch_op.drop_column("late_after_minutes")
        batch_op.drop_column("checkin_open")
        batch_op.drop_column("checkin_secret")

    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_column("source")

    with op.batch_alter_table("attendance_events", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_attendance_events_applied_op",
            postgresql_where=sa.text("applied AND op_id IS NOT NULL"),
            sqlite_where=sa.text("applied AND op_id IS NOT NULL"),
        )
        batch_op.drop_index("ix_attendance_events_session")

    op.drop_table("attendance_events")
