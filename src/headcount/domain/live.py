"""The running session an event acts on, and what it holds so far.

A session is a row with `ended_at IS NULL` while it runs, so any process can serve any request
and a restart loses nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from headcount import clock
from headcount.domain import access, errors
from headcount.domain.access import ClassFacts, Need
from headcount.domain.schools import in_schools_of
from headcount.domain.views import Counts, counts_of
from headcount.security import Principal
from headcount.store.database import AnySelect, Row
from headcount.store.tables import Attendance, AttendanceSession, Class, Enrollment


@dataclass(frozen=True, slots=True)
class LiveSession:
    id: uuid.UUID
    class_id: uuid.UUID
    started_at: datetime
    checkin_secret: str | None
    checkin_open: bool
    late_after_minutes: int | None

    def status_of_check_in(self, moment: datetime) -> str:
        """`present`, or `late` once `lateAfterMinutes` have passed since the start."""
        if self.late_after_minutes is None:
            return "present"
        late_from = self.started_at + timedelta(minutes=self.late_after_minutes)
        return "late" if moment >= late_from else "present"


def live_session(row: Row) -> LiveSession:
    """The session of a row of `active_sessions`, by column name (a SQLAlchemy row's
    `_mapping`, or an asyncpg record)."""
    return LiveSession(
        row["id"],
        row["class_id"],
        clock.as_utc(row["started_at"]),
        row["checkin_secret"],
        bool(row["checkin_open"]),
        row["late_after_minutes"],
    )


def active_sessions() -> Select[uuid.UUID, uuid.UUID, datetime, str | None, bool, int | None]:
    return select(
        AttendanceSession.id,
        AttendanceSession.class_id,
        AttendanceSession.started_at,
        AttendanceSession.checkin_secret,
        AttendanceSession.checkin_open,
        AttendanceSession.late_after_minutes,
    ).where(AttendanceSession.ended_at.is_(None))


def _newest(query: AnySelect) -> AnySelect:
    return query.order_by(AttendanceSession.started_at.desc()).limit(1)


# A named class's running session with its teacher, so a teacher's event needs no separate
# access query when a session runs. Built once: statement building was a third of a mark's CPU.
_OF_CLASS = _newest(
    active_sessions()
    .add_columns(Class.teacher_id)
    .join(Class, Class.id == AttendanceSession.class_id)
    .where(AttendanceSession.class_id == bindparam("class_id"))
)
_OF_CLASS_LOCKED = _OF_CLASS.with_for_update(of=AttendanceSession)


async def resolve(
    conn: AsyncConnection,
    who: Principal,
    class_id: uuid.UUID | None,
    *,
    lock: bool = False,
    strict: bool = False,
) -> LiveSession:
    """The session an event acts on (SPEC §5): the named class's, else the caller's latest.

    With `lock`, the session row stays locked until the transaction ends: marks of a session
    take turns (last writer wins needs that), and a concurrent `DONE` either waits for the
    mark or makes it find no session: no mark lands in a closed session. `strict` is HTTP's
    order of checks: a named class that does not exist is `Class not found`.
    """
    query: AnySelect
    need = Need.ATTEND if who.role == "student" else Need.MANAGE
    if class_id is not None and need is Need.MANAGE:
        query = _OF_CLASS_LOCKED if lock else _OF_CLASS
        row = (await conn.execute(query, {"class_id": class_id})).first()
        if row is not None and access.allows(who, ClassFacts(row.teacher_id, False), need):
            return live_session(row._mapping)
        # No session running, or not theirs, or theirs through the class's school (which the
        # quick rule above does not know): the access check says which.
        await access.require(conn, who, class_id, need, live=not strict)
        if row is not None:
            return live_session(row._mapping)
        raise errors.no_active_session()
    if class_id is not None:
        await access.require(conn, who, class_id, need, live=not strict)
        query = active_sessions().where(AttendanceSession.class_id == class_id)
    elif who.role == "teacher":
        query = (
            active_sessions()
            .join(Class, Class.id == AttendanceSession.class_id)
            .where(Class.teacher_id == who.user_id)
        )
    elif who.role == "admin":
        query = (
            active_sessions()
            .join(Class, Class.id == AttendanceSession.class_id)
            .where(in_schools_of(Class.school_id, who.user_id))
        )
    else:
        query = active_sessions().join(
            Enrollment,
            and_(
                Enrollment.class_id == AttendanceSession.class_id,
                Enrollment.student_id == who.user_id,
            ),
        )
    query = _newest(query)
    if lock:
        query = query.with_for_update(of=AttendanceSession)
    row = (await conn.execute(query)).first()
    if row is None:
        raise errors.no_active_session()
    return live_session(row._mapping)


async def counts(conn: AsyncConnection, session_id: uuid.UUID) -> Counts:
    query = (
        select(Attendance.status, func.count())
        .where(Attendance.session_id == session_id)
        .group_by(Attendance.status)
    )
    return counts_of({status: count for status, count in await conn.execute(query)})


async def status_of(
    conn: AsyncConnection, session_id: uuid.UUID, student_id: uuid.UUID
) -> str | None:
    query = select(Attendance.status).where(
        Attendance.session_id == session_id, Attendance.student_id == student_id
    )
    status: str | None = await conn.scalar(query)
    return status
