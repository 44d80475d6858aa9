"""The schema. The database is the truth: sessions and marks are rows the moment they exist."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
    Uuid,
    false,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
Timestamp = DateTime(timezone=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# Every install has this school: sign-ups land in it, so a single school notices nothing.
DEFAULT_SCHOOL_ID = uuid.UUID("5c4f7d1e-0000-4000-8000-000000000001")


class Org(Base):
    """A district or a school, as OneRoster's `orgs.csv` has them."""

    __tablename__ = "orgs"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    sourced_id: Mapped[str | None] = mapped_column(String(255), unique=True, nullable=True)
    name: Mapped[str] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("orgs.id", ondelete="SET NULL"), nullable=True, index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, server_default=true())
    created_at: Mapped[datetime] = mapped_column(Timestamp)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('teacher', 'student', 'admin', 'guardian')", name="role"),
        Index("ix_users_role_created", "role", "created_at"),
        Index("ix_users_school_role", "school_id", "role", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # None until an account that arrived by import is set up with its one-time code.
    password_hash: Mapped[str | None] = mapped_column(String(100), nullable=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    school_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orgs.id"))
    active: Mapped[bool] = mapped_column(Boolean, server_default=true())
    sourced_id: Mapped[str | None] = mapped_column(String(255), unique=True, nullable=True)
    # Tokens carry the generation they were issued in; raising it revokes every older one
    # except `kept_token` (the one a password was changed with).
    token_generation: Mapped[int] = mapped_column(Integer, server_default="0")
    kept_token: Mapped[str | None] = mapped_column(String(32), nullable=True)


class Class(Base):
    __tablename__ = "classes"
    __table_args__ = (Index("ix_classes_school", "school_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    class_name: Mapped[str] = mapped_column(String(200))
    teacher_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    school_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orgs.id"))
    archived_at: Mapped[datetime | None] = mapped_column(Timestamp, nullable=True)
    sourced_id: Mapped[str | None] = mapped_column(String(255), unique=True, nullable=True)


class Enrollment(Base):
    __tablename__ = "enrollments"

    class_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("classes.id", ondelete="CASCADE"), primary_key=True
    )
    student_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    enrolled_at: Mapped[datetime] = mapped_column(Timestamp)
    sourced_id: Mapped[str | None] = mapped_column(String(255), unique=True, nullable=True)


class GuardianLink(Base):
    """A guardian (OneRoster's parent or guardian) of a student."""

    __tablename__ = "guardian_links"

    guardian_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    student_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(Timestamp)


class RevokedToken(Base):
    """Tokens logged out before they expired; forgotten once they would have expired."""

    __tablename__ = "revoked_tokens"

    token_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    expires_at: Mapped[datetime] = mapped_column(Timestamp)


class SetupCode(Base):
    """A one-time code that lets an account without a password set one (`POST /auth/setup`).
    Only its hash is kept."""

    __tablename__ = "setup_codes"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(Timestamp)


class Excusal(Base):
    """An absence excused in advance (a doctor's appointment): roll calls started on these
    days begin with the student `excused`, which a teacher's mark still overrides."""

    __tablename__ = "excusals"
    __table_args__ = (Index("ix_excusals_student_days", "student_id", "last_day"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    student_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(500))
    created_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(Timestamp)


class AttendanceSession(Base):
    __tablename__ = "attendance_sessions"
    __table_args__ = (
        # At most one running roll call per class, enforced by the database itself.
        Index(
            "uq_attendance_sessions_active_class",
            "class_id",
            unique=True,
            postgresql_where=text("ended_at IS NULL"),
            sqlite_where=text("ended_at IS NULL"),
        ),
        Index("ix_attendance_sessions_class_started", "class_id", "started_at"),
        Index("ix_attendance_sessions_started", "started_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    class_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    started_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(Timestamp)
    ended_at: Mapped[datetime | None] = mapped_column(Timestamp, nullable=True)
    # Self check-in (SPEC §8): the TOTP secret every process derives the same codes from.
    checkin_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    checkin_open: Mapped[bool] = mapped_column(Boolean, server_default=true())
    late_after_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Whether its marks are in `attendance_tallies` (domain/tallies.py); set once they are.
    tallied: Mapped[bool] = mapped_column(Boolean, server_default=false())


class Attendance(Base):
    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("session_id", "student_id"),
        CheckConstraint("status IN ('present', 'absent', 'late', 'excused')", name="status"),
        Index("ix_attendance_class_student", "class_id", "student_id"),
        # The reports read every mark, or the missed ones, and nothing else of the row.
        Index("ix_attendance_status_session", "status", "session_id", "student_id"),
    )

    # Never exposed; an integer lets `DONE` insert absences with one INSERT ... SELECT.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("attendance_sessions.id", ondelete="CASCADE")
    )
    # No foreign keys but the session's (migration 0009): the class is copied from the session
    # by every write, and the student is one enrolled in it, checked by the same statement.
    class_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    student_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(16))
    # When the mark was made (the client's markedAt, clamped to our clock): last writer wins.
    marked_at: Mapped[datetime] = mapped_column(Timestamp)
    source: Mapped[str] = mapped_column(String(16), server_default="ws")


class AttendanceTally(Base):
    """A student's marks in a class's tallied sessions of one month (domain/tallies.py)."""

    __tablename__ = "attendance_tallies"

    class_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    student_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)  # its first day, in UTC
    sessions: Mapped[int] = mapped_column(Integer)
    present: Mapped[int] = mapped_column(Integer)
    late: Mapped[int] = mapped_column(Integer)
    absent: Mapped[int] = mapped_column(Integer)
    excused: Mapped[int] = mapped_column(Integer)


class AttendanceEvent(Base):
    """The audit trail: every mark applied or refused, and every absence `DONE` filled in.
    Its session and student have no foreign keys: each event is written beside the mark or
    refusal it records, after the checks that wrote or refused it (migration 0009)."""

    __tablename__ = "attendance_events"
    __table_args__ = (
        Index("ix_attendance_events_session", "session_id", "id"),
        Index("ix_attendance_events_received", "received_at"),  # pruned by age
        # A client's operation id is applied once per session, whichever process sees it
        # first; another teacher's id in another session is none of its business.
        Index(
            "uq_attendance_events_applied_op",
            "session_id",
            "op_id",
            unique=True,
            postgresql_where=text("applied AND op_id IS NOT NULL"),
            sqlite_where=text("applied AND op_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    session_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    student_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    source: Mapped[str] = mapped_column(String(16))
    marked_at: Mapped[datetime] = mapped_column(Timestamp)
    received_at: Mapped[datetime] = mapped_column(Timestamp)
    applied: Mapped[bool] = mapped_column(Boolean)
    op_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    # A correction after the roll call (source `amend`): why, and what it replaced.
    reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    previous_status: Mapped[str | None] = mapped_column(String(16), nullable=True)


class WebhookEndpoint(Base):
    """Where an administrator wants a school's events sent (docs/notify.md §2)."""

    __tablename__ = "webhook_endpoints"
    __table_args__ = (Index("ix_webhook_endpoints_school", "school_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2048))
    secret: Mapped[str] = mapped_column(String(128))
    # The event types it wants, each between commas (",session.started,"), so that one LIKE
    # in the outbox's INSERT … SELECT picks the endpoints of an event.
    events: Mapped[str] = mapped_column(String(512))
    active: Mapped[bool] = mapped_column(Boolean, server_default=true())
    created_at: Mapped[datetime] = mapped_column(Timestamp)


class OutboxMessage(Base):
    """One event for one endpoint, written in the transaction of the change it reports, and
    delivered at least once afterwards."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "state", "due_at"),
        Index("ix_outbox_endpoint", "endpoint_id", "id"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    # A webhook's endpoint, or None for an e-mail to `recipient`.
    endpoint_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), nullable=True
    )
    recipient: Mapped[str | None] = mapped_column(String(254), nullable=True)
    # E-mails that must be sent once only (one per guardian, student and day) say so here.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True, nullable=True)
    event_type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(String)  # the JSON body, exactly as sent
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    state: Mapped[str] = mapped_column(String(16), server_default="pending")
    due_at: Mapped[datetime] = mapped_column(Timestamp)
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(Timestamp, nullable=True)
