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
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Subquery,
    and_,
    bindparam,
    exists,
    insert,
    literal,
    null,
    or_,
    select,
    true,
)
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


def marked_data(
    class_id: uuid.UUID, session_id: uuid.UUID, mark: Mark, outcome: Outcome
) -> dict[str, Any]:
    """The data of an applied mark's `attendance.marked` webhook (docs/notify.md)."""
    return {
        "classId": str(class_id),
        "sessionId": str(session_id),
        "studentId": str(mark.student_id),
        "status": outcome.status,
        "markedAt": clock.iso(outcome.marked_at),
        "source": mark.source,
    }


def moment_of(mark: Mark) -> tuple[datetime, datetime]:
    """When the mark arrived, and when it counts as made: its `markedAt`, clamped to our
    clock so that no client can make its mark win by dating it in the future."""
    received = clock.now()
    return received, min(clock.as_utc(mark.marked_at), received) if mark.marked_at else received


def wins(excluded: Any) -> ColumnElement[bool]:
    """Whether the proposed mark (`excluded`, the row the upsert would insert) replaces the
    stored one: a check-in never does; any other mark replaces a provisional one whenever it
    was made, and otherwise the newer mark wins. As SQL in the upsert, the rule is weighed
    against what is stored when the row is written, whatever the statement read before."""
    return and_(
        excluded.source != CHECK_IN,
        or_(
            *(Attendance.source == s for s in sorted(PROVISIONAL)),
            excluded.marked_at >= Attendance.marked_at,
        ),
    )


_MARK_KEYS = ("session_id", "student_id")
_MARK_VALUES = ("status", "marked_at", "source")


def upsert_mark(dialect: str) -> Any:
    """INSERT the mark, or replace the stored one where `wins`; built once per dialect."""
    return upsert(dialect, Attendance, _MARK_KEYS, _MARK_VALUES, wins)


# Built once: building the statements of a mark was a third of its CPU.
# Is the student in the class, and was this opId applied in this session already (SPEC §8;
# migration 0004)? One round trip for both.
_ENROLLED = select(
    Enrollment.student_id,
    exists()
    .where(
        AttendanceEvent.session_id == bindparam("session_id"),
        AttendanceEvent.op_id == bindparam("op_id"),
        AttendanceEvent.applied,
    )
    .label("replayed"),
).where(
    Enrollment.class_id == bindparam("class_id"),
    Enrollment.student_id == bindparam("student_id"),
)
STORED_MARK = select(Attendance.status, Attendance.marked_at).where(
    Attendance.session_id == bindparam("session_id"),
    Attendance.student_id == bindparam("student_id"),
)
_AUDIT = insert(AttendanceEvent)


async def _stored(conn: AsyncConnection, session_id: uuid.UUID, student_id: uuid.UUID) -> Outcome:
    """What beat a refused mark: the stored one, read after the refusal."""
    row = (
        await conn.execute(STORED_MARK, {"session_id": session_id, "student_id": student_id})
    ).one()
    return Outcome(False, row.status, clock.as_utc(row.marked_at))


async def record(conn: AsyncConnection, session: LiveSession, mark: Mark) -> Outcome:
    """Apply `mark` if it wins, inside the caller's transaction (which holds the session).
    PostgreSQL's marks take `marking_statement.record` first, one round trip for the same."""
    received, moment = moment_of(mark)
    params = {
        "session_id": session.id,
        "class_id": session.class_id,
        "student_id": mark.student_id,
        "op_id": mark.op_id,
    }
    row = (await conn.execute(_ENROLLED, params)).first()
    if row is None:
        raise errors.student_not_in_class()
    applied = False
    if not row.replayed:
        written = await conn.execute(
            upsert_mark(conn.dialect.name).returning(Attendance.id),
            {**params, "status": mark.status, "marked_at": moment, "source": mark.source},
        )
        applied = written.first() is not None
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
    if applied:
        return Outcome(True, mark.status, moment)
    return await _stored(conn, session.id, mark.student_id)


async def fill_in(
    conn: AsyncConnection,
    session: LiveSession,
    students: Subquery,
    mark: tuple[str, str, datetime],
    actor_id: uuid.UUID,
) -> None:
    """Mark each of `students` (a subquery of `student_id` and `reason`) with `mark`'s
    status, source and time in `session`, audited as applied with its reason. Two
    `INSERT … SELECT`s, whatever the size of the class: the events first, as `students` may
    be those without a mark yet."""
    status, source, moment = mark
    session_id = literal(session.id, AttendanceSession.id.type)
    at = literal(moment, Timestamp)
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
                "reason",
            ],
            select(
                session_id,
                students.c.student_id,
                literal(status),
                literal(actor_id, AttendanceEvent.actor_id.type),
                literal(source),
                at,
                at,
                true(),
                students.c.reason,
            ),
        )
    )
    await conn.execute(
        insert(Attendance).from_select(
            ["session_id", "class_id", "student_id", "status", "marked_at", "source"],
            select(
                session_id,
                literal(session.class_id, AttendanceSession.class_id.type),
                students.c.student_id,
                literal(status),
                at,
                literal(source),
            ),
        )
    )


async def record_absences(
    conn: AsyncConnection, session: LiveSession, actor_id: uuid.UUID, moment: datetime
) -> None:
    """`DONE`: every enrolled student without a mark is absent, audited with source `done`."""
    unmarked = select(Enrollment.student_id, null().label("reason")).where(
        Enrollment.class_id == session.class_id,
        Enrollment.student_id.not_in(
            select(Attendance.student_id).where(Attendance.session_id == session.id)
        ),
    )
    await fill_in(conn, session, unmarked.subquery(), ("absent", DONE, moment), actor_id)
