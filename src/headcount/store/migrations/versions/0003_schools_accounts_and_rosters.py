"""schools, accounts and rosters

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here: the tables module may move on, a migration may not.
DEFAULT_SCHOOL_ID = uuid.UUID("5c4f7d1e-0000-4000-8000-000000000001")


def upgrade() -> None:
    op.create_table(
        "orgs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sourced_id", sa.String(length=255), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["orgs.id"], name=op.f("fk_orgs_parent_id_orgs"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orgs")),
        sa.UniqueConstraint("sourced_id", name=op.f("uq_orgs_sourced_id")),
    )
    with op.batch_alter_table("orgs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_orgs_parent_id"), ["parent_id"], unique=False)
    op.execute(
        sa.text(
            "INSERT INTO orgs (id, name, type, active, created_at) "
            "VALUES (:id, 'School', 'school', :active, :now)"
        ).bindparams(
            sa.bindparam("id", DEFAULT_SCHOOL_ID, type_=sa.Uuid()),
            sa.bindparam("active", True),
            sa.bindparam("now", datetime.now(UTC), type_=sa.DateTime(timezone=True)),
        )
    )

    op.create_table(
        "guardian_links",
        sa.Column("guardian_id", sa.Uuid(), nullable=False),
        sa.Column("student_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["guardian_id"],
            ["users.id"],
            name=op.f("fk_guardian_links_guardian_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["users.id"],
            name=op.f("fk_guardian_links_student_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("guardian_id", "student_id", name=op.f("pk_guardian_links")),
    )
    with op.batch_alter_table("guardian_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_guardian_links_student_id"), ["student_id"], unique=False
        )

    op.create_table(
        "revoked_tokens",
        sa.Column("token_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_revoked_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_id", name=op.f("pk_revoked_tokens")),
    )
    with op.batch_alter_table("revoked_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_revoked_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "setup_codes",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_setup_codes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_setup_codes")),
    )

    for table in ("users", "classes"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("school_id", sa.Uuid(), nullable=True))
        op.execute(
            sa.text(f"UPDATE {table} SET school_id = :id").bindparams(
                sa.bindparam("id", DEFAULT_SCHOOL_ID, type_=sa.Uuid())
            )
        )

    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.alter_column("school_id", existing_type=sa.Uuid(), nullable=False)
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("sourced_id", sa.String(length=255), nullable=True))
        batch_op.create_index("ix_classes_school", ["school_id", "created_at"], unique=False)
        batch_op.create_unique_constraint(batch_op.f("uq_classes_sourced_id"), ["sourced_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_classes_school_id_orgs"), "orgs", ["school_id"], ["id"]
        )

    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sourced_id", sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_enrollments_sourced_id"), ["sourced_id"])

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("school_id", existing_type=sa.Uuid(), nullable=False)
        batch_op.add_column(
            sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(sa.Column("sourced_id", sa.String(length=255), nullable=True))
        batch_op.add_column(
            sa.Column("token_generation", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("kept_token", sa.String(length=32), nullable=True))
        batch_op.alter_column("password_hash", existing_type=sa.VARCHAR(length=100), nullable=True)
        batch_op.drop_constraint(batch_op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint(
            "role", "role IN ('teacher', 'student', 'admin', 'guardian')"
        )
        batch_op.create_index(
            "ix_users_school_role", ["school_id", "role", "created_at"], unique=False
        )
        batch_op.create_unique_constraint(batch_op.f("uq_users_sourced_id"), ["sourced_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_users_school_id_orgs"), "orgs", ["school_id"], ["id"]
        )


def downgrade() -> None:
    # Lossy by nature: the roles and accounts this revision brought have nowhere to go back to.
    op.execute(sa.text("DELETE FROM users WHERE role NOT IN ('teacher', 'student')"))
    op.execute(sa.text("UPDATE users SET password_hash = '!' WHERE password_hash IS NULL"))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_users_school_id_orgs"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_users_sourced_id"), type_="unique")
        batch_op.drop_index("ix_users_school_role")
        batch_op.drop_constraint(batch_op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint("role", "role IN ('teacher', 'student')")
        batch_op.alter_column("password_hash", existing_type=sa.VARCHAR(length=100), nullable=False)
        batch_op.drop_column("kept_token")
        batch_op.drop_column("token_generation")
        batch_op.drop_column("sourced_id")
        batch_op.drop_column("active")
        batch_op.drop_column("school_id")

    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_enrollments_sourced_id"), type_="unique")
        batch_op.drop_column("sourced_id")

    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_classes_school_id_orgs"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_classes_sourced_id"), type_="unique")
        batch_op.drop_index("ix_classes_school")
        batch_op.drop_column("sourced_id")
        batch_op.drop_column("archived_at")
        batch_op.drop_column("school_id")

    op.drop_table("setup_codes")
    with op.batch_alter_table("guardian_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guardian_links_student_id"))
    op.drop_table("guardian_links")
    with op.batch_alter_table("revoked_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revoked_tokens_user_id"))
    op.drop_table("revoked_tokens")
    with op.batch_alter_table("orgs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orgs_parent_id"))
    op.drop_table("orgs")
