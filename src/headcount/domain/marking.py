"""The one place a mark is applied or refused, and written to the audit trail (SPEC §8).

- Last writer wins by when the mark was made (`markedAt`, clamped to our clock), so marks
  queued offline may be replayed in any order and still converge on the newest.
- A teacher's mark overrides a check-in and an absence excused in advance; a check-in never
  overrides anything.
- A client operation id (`opId`) is applied once, however often it is replayed.
Every mark, applied or refused, becomes an `attendance_events` row.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, exists, insert, literal, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from headcount import clock
from headcount.domain import errors
from headcount.domain.live import LiveSession
from headcount.store.tables import (
    Attendance,
    AttendanceEvent,
    AttendanceSession,
    Enrollment,
    Timestamp,
)
from headcount.store.upsert import upsert

CHECK_IN = "checkin"
DONE = "done"
AMEND = "amend"  # a correction after the roll call (domain/corrections.py)
EXCUSAL = "excusal"  # excused in advance, written when the roll call starts (domain/excusals.py)
# Stored marks that any mark but a check-in replaces, whenever it was made.
PROVISIONAL = frozenset({CHECK_IN, EXCUSAL})


@dataclass(frozen=True, slots=True)
class Mark:
    student_id: uuid.UUID
    status: str
    actor_id: uuid.UUID
    source: str  # ws · rest · socketio · checkin
    marked_at: datetime | None = None
    op_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    applied: bool
    status: str  # what is stored now: the mark's status, or the one that beat it
    marked_at: datetime


# Built once: building the statements of a mark was a third of its CPU.
_APPLIED_BEFORE = select(
    exists().where(AttendanceEvent.op_id == bindparam("op_id"), AttendanceEvent.applied)
)
# Is the student in the class, and what is stored for them so far?
_STORED = (
    select(Enrollment.student_id, Attendance.status, Attendance.marked_at, Attendance.source)
    .outerjoin(
        Attendance,
        and_(
            Attendance.session_id == bindparam("session_id"),
            Attendance.student_id == Enrollment.student_id,
        ),
    )
    .where(
        Enrollment.class_id == bindparam("class_id"),
        Enrollment.student_id == bindparam("student_id"),
    )
)
_AUDIT = insert(AttendanceEvent)
_MARK_KEYS = ("session_id", "student_id")
_MARK_VALUES = ("status", "marked_at", "source")


async def _applied_before(conn: AsyncConnection, op_id: uuid.UUID | None) -> bool:
    if op_id is None:
        return False
    return bool(await conn.scalar(_APPLIED_BEFORE, {"op_id": op_id}))


def _wins(mark: Mark, moment: datetime, stored: tuple[str, datetime, str] | None) -> bool:
    if stored is None:
        return True
    _, stored_at, stored_source = stored
    if mark.source == CHECK_IN:
        return False
    return stored_source in PROVISIONAL or moment >= clock.as_utc(stored_at)


async def record(conn: AsyncConnection, session: LiveSession, mark: Mark) -> Outcome:
    """Apply `mark` if it wins, inside the caller's transaction (which holds the session)."""
    received = clock.now()
    moment = min(clock.as_utc(mark.marked_at), received) if mark.marked_at else received
    row = (
        await conn.execute(
            _STORED,
            {
                "session_id": session.id,
                "class_id": session.class_id,
                "student_id": mark.student_id,
            },
        )
    ).first()
    if row is None:
        raise errors.student_not_in_class()
    stored = None if row.status is None else (row.status, row.marked_at, row.source)
    applied = not await _applied_before(conn, mark.op_id) and _wins(mark, moment, stored)
    if applied:
        await conn.execute(
            upsert(conn.dialect.name, Attendance, _MARK_KEYS, _MARK_VALUES),
            {
                "session_id": session.id,
                "class_id": session.class_id,
                "student_id": mark.student_id,
                "status": mark.status,
                "marked_at": moment,
                "source": mark.source,
            },
        )
    await conn.execute(
        _AUDIT,
        {
            "session_id": session.id,
            "student_id": mark.student_id,
            "status": mark.status,
            "actor_id": mark.actor_id,
            "source": mark.source,
            "marked_at": moment,
            "received_at": received,
            "applied": applied,
            "op_id": mark.op_id,
        },
    )
    if applied or stored is None:
        return Outcome(applied, mark.status, moment)
    return Outcome(False, stored[0], clock.as_utc(stored[1]))


async def record_absences(
    conn: AsyncConnection, session: LiveSession, actor_id: uuid.UUID, moment: datetime
) -> None:
    """`DONE`: every enrolled student without a mark is absent, audited with source `done`.
    Two `INSERT … SELECT`s, whatever the size of the class."""
    unmarked = select(Enrollment.student_id).where(
        Enrollment.class_id == session.class_id,
        Enrollment.student_id.not_in(
            select(Attendance.student_id).where(Attendance.session_id == session.id)
        ),
    )
    session_id = literal(session.id, AttendanceSession.id.type)
    absent, at, source = literal("absent"), literal(moment, Timestamp), literal(DONE)
    await conn.execute(
        insert(AttendanceEvent).from_select(
            [
                "session_id",
                "student_id",
                "status",
                "actor_id",
                "source",
                "marked_at",
                "received_at",
                "applied",
            ],
            unmarked.with_only_columns(
                session_id,
                Enrollment.student_id,
                absent,
                literal(actor_id, AttendanceEvent.actor_id.type),
                source,
                at,
                at,
                true(),
            ),
        )
    )
    await conn.execute(
        insert(Attendance).from_select(
            ["session_id", "class_id", "student_id", "status", "marked_at", "source"],
            unmarked.with_only_columns(
                session_id,
                literal(session.class_id, AttendanceSession.class_id.type),
                Enrollment.student_id,
                absent,
                at,
                source,
            ),
        )
    )
