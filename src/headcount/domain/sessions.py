"""Roll calls: start, mark, count, finish, and what they looked like afterwards.

A session is a row with `ended_at IS NULL` while it runs, so any process can serve any request
and a restart loses nothing. Writers lock the session row (FOR SHARE to mark, UPDATE to finish)
so a mark can never land in a session that a concurrent `DONE` has already closed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from headcount import clock
from headcount.domain import access, errors
from headcount.domain.classes import ROSTER_ORDER, roster_query
from headcount.domain.events import EventSink, Finished, Marked, Summarized
from headcount.domain.records import Records
from headcount.domain.views import (
    AttendanceMatrix,
    CachedValue,
    Counts,
    MarkReceipt,
    MatrixStudent,
    SessionHistoryRow,
    SessionRef,
    SessionStarted,
    SessionState,
    StatusView,
    counts_of,
)
from headcount.security import Principal
from headcount.store.database import Database
from headcount.store.tables import Attendance, AttendanceSession, Class, Enrollment, Timestamp
from headcount.store.upsert import dialect_insert

NOT_YET_UPDATED = "not yet updated"


@dataclass(frozen=True, slots=True)
class LiveSession:
    id: uuid.UUID
    class_id: uuid.UUID
    started_at: datetime


def _live(row: Any) -> LiveSession:
    return LiveSession(row.id, row.class_id, clock.as_utc(row.started_at))


def _active_sessions() -> Select[uuid.UUID, uuid.UUID, datetime]:
    return select(
        AttendanceSession.id, AttendanceSession.class_id, AttendanceSession.started_at
    ).where(AttendanceSession.ended_at.is_(None))


async def _resolve(
    conn: AsyncConnection, who: Principal, class_id: uuid.UUID | None
) -> LiveSession:
    """The session an event acts on (SPEC §5): the named class's, else the caller's latest."""
    if class_id is not None:
        await access.require_live_access(conn, who, class_id)
        query = _active_sessions().where(AttendanceSession.class_id == class_id)
    elif who.role == "teacher":
        query = (
            _active_sessions()
            .join(Class, Class.id == AttendanceSession.class_id)
            .where(Class.teacher_id == who.user_id)
        )
    else:
        query = _active_sessions().join(
            Enrollment,
            and_(
                Enrollment.class_id == AttendanceSession.class_id,
                Enrollment.student_id == who.user_id,
            ),
        )
    row = (await conn.execute(query.order_by(AttendanceSession.started_at.desc()).limit(1))).first()
    if row is None:
        raise errors.no_active_session()
    return _live(row)


async def _hold_open(conn: AsyncConnection, session: LiveSession) -> None:
    """Keep the session open until this transaction ends, or fail if it closed meanwhile."""
    query = (
        select(AttendanceSession.id)
        .where(AttendanceSession.id == session.id, AttendanceSession.ended_at.is_(None))
        .with_for_update(read=True)
    )
    if await conn.scalar(query) is None:
        raise errors.no_active_session()


async def _counts(conn: AsyncConnection, session_id: uuid.UUID) -> Counts:
    query = (
        select(Attendance.status, func.count())
        .where(Attendance.session_id == session_id)
        .group_by(Attendance.status)
    )
    return counts_of({status: count for status, count in await conn.execute(query)})


async def _status_of(
    conn: AsyncConnection, session_id: uuid.UUID, student_id: uuid.UUID
) -> str | None:
    query = select(Attendance.status).where(
        Attendance.session_id == session_id, Attendance.student_id == student_id
    )
    status: str | None = await conn.scalar(query)
    return status


class Sessions:
    def __init__(self, db: Database, events: EventSink, records: Records) -> None:
        self.db = db
        self.events = events
        self.records = records

    async def start(self, teacher: Principal, class_id: uuid.UUID) -> SessionStarted:
        """Open a roll call, or return the one already running (idempotent)."""
        try:
            return await self._start(teacher, class_id)
        except IntegrityError:
            # A concurrent start won the partial unique index: its session is the answer.
            return await self._start(teacher, class_id)

    async def _start(self, teacher: Principal, class_id: uuid.UUID) -> SessionStarted:
        async with self.db.write() as conn:
            await access.require_owner(conn, teacher, class_id)
            row = (
                await conn.execute(_active_sessions().where(AttendanceSession.class_id == class_id))
            ).first()
            if row is None:
                session = LiveSession(uuid.uuid4(), class_id, clock.now())
                await conn.execute(
                    insert(AttendanceSession).values(
                        id=session.id,
                        class_id=class_id,
                        started_by=teacher.user_id,
                        started_at=session.started_at,
                    )
                )
            else:
                session = _live(row)
        return SessionStarted(
            classId=str(class_id),
            sessionId=str(session.id),
            startedAt=clock.iso(session.started_at),
        )

    async def mark(
        self,
        teacher: Principal,
        class_id: uuid.UUID | None,
        student_id: uuid.UUID,
        status: str,
        ttl: int | None = None,
    ) -> MarkReceipt:
        """Store the mark durably, then cache and announce it."""
        async with self.db.write() as conn:
            session = await _resolve(conn, teacher, class_id)
            await _hold_open(conn, session)
            if not await access.is_enrolled(conn, session.class_id, student_id):
                raise errors.student_not_in_class()
            now = clock.now()
            statement = dialect_insert(conn, Attendance).values(
                session_id=session.id,
                class_id=session.class_id,
                student_id=student_id,
                status=status,
                marked_at=now,
            )
            await conn.execute(
                statement.on_conflict_do_update(
                    index_elements=[Attendance.session_id, Attendance.student_id],
                    set_={"status": status, "marked_at": now},
                )
            )
        timestamp = clock.iso(now)
        key = await self.records.remember(
            session.class_id,
            student_id,
            session.started_at,
            CachedValue(status=status, timestamp=timestamp),
            ttl,
        )
        await self.events.publish(Marked(session.class_id, student_id, status))
        return MarkReceipt(
            classId=str(session.class_id),
            studentId=str(student_id),
            status=status,
            timestamp=timestamp,
            cacheKey=key,
        )

    async def summary(self, teacher: Principal, class_id: uuid.UUID | None) -> Counts:
        async with self.db.read() as conn:
            session = await _resolve(conn, teacher, class_id)
            counts = await _counts(conn, session.id)
        await self.events.publish(Summarized(session.class_id, counts))
        return counts

    async def own_status(self, student: Principal, class_id: uuid.UUID | None) -> StatusView:
        """A student's mark in the running session, or `not yet updated`."""
        async with self.db.read() as conn:
            session = await _resolve(conn, student, class_id)
            status = await _status_of(conn, session.id, student.user_id)
        return StatusView(classId=str(session.class_id), status=status or NOT_YET_UPDATED)

    async def finish(self, teacher: Principal, class_id: uuid.UUID | None) -> tuple[str, Counts]:
        """Mark every unmarked enrolled student absent and close the session, atomically."""
        async with self.db.write() as conn:
            session = await _resolve(conn, teacher, class_id)
            now = clock.now()
            closed = await conn.execute(
                update(AttendanceSession)
                .where(AttendanceSession.id == session.id, AttendanceSession.ended_at.is_(None))
                .values(ended_at=now)
            )
            if closed.rowcount != 1:
                raise errors.no_active_session()
            already_marked = select(Attendance.student_id).where(
                Attendance.session_id == session.id
            )
            unmarked = select(
                literal(session.id, AttendanceSession.id.type),
                literal(session.class_id, AttendanceSession.class_id.type),
                Enrollment.student_id,
                literal("absent"),
                literal(now, Timestamp),
            ).where(
                Enrollment.class_id == session.class_id,
                Enrollment.student_id.not_in(already_marked),
            )
            await conn.execute(
                insert(Attendance).from_select(
                    ["session_id", "class_id", "student_id", "status", "marked_at"], unmarked
                )
            )
            counts = await _counts(conn, session.id)
        await self.events.publish(Finished(session.class_id, counts))
        return str(session.class_id), counts

    async def state(self, who: Principal, class_id: uuid.UUID | None) -> SessionState:
        """The running session for a client that (re)connects; students see only themselves."""
        async with self.db.read() as conn:
            session = await _resolve(conn, who, class_id)
            counts = await _counts(conn, session.id)
            if who.role == "teacher":
                query = (
                    select(Enrollment.student_id, Attendance.status)
                    .outerjoin(
                        Attendance,
                        and_(
                            Attendance.session_id == session.id,
                            Attendance.student_id == Enrollment.student_id,
                        ),
                    )
                    .where(Enrollment.class_id == session.class_id)
                    .order_by(*ROSTER_ORDER)
                )
                attendance: dict[str, str | None] = {
                    str(sid): status for sid, status in await conn.execute(query)
                }
            else:
                own = await _status_of(conn, session.id, who.user_id)
                attendance = {str(who.user_id): own}
        return SessionState(
            classId=str(session.class_id),
            sessionId=str(session.id),
            startedAt=clock.iso(session.started_at),
            summary=counts,
            attendance=attendance,
        )

    async def last_status(self, student: Principal, raw_class_id: str) -> StatusView:
        """The student's status in the class's most recent finished session."""
        class_id = access.class_id_from_path(raw_class_id)
        async with self.db.read() as conn:
            await access.require_enrolled(conn, student, class_id)
            latest = await conn.scalar(
                select(AttendanceSession.id)
                .where(
                    AttendanceSession.class_id == class_id,
                    AttendanceSession.ended_at.is_not(None),
                )
                .order_by(AttendanceSession.started_at.desc())
                .limit(1)
            )
            status = None if latest is None else await _status_of(conn, latest, student.user_id)
        return StatusView(classId=str(class_id), status=status)

    async def history(self, teacher: Principal, raw_class_id: str) -> list[SessionHistoryRow]:
        class_id = access.class_id_from_path(raw_class_id)
        query = (
            select(
                AttendanceSession.id,
                AttendanceSession.started_at,
                AttendanceSession.ended_at,
                Attendance.status,
                func.count(Attendance.id),
            )
            .outerjoin(Attendance, Attendance.session_id == AttendanceSession.id)
            .where(AttendanceSession.class_id == class_id)
            .group_by(
                AttendanceSession.id,
                AttendanceSession.started_at,
                AttendanceSession.ended_at,
                Attendance.status,
            )
            .order_by(AttendanceSession.started_at.desc(), AttendanceSession.id)
        )
        async with self.db.read() as conn:
            await access.require_owner(conn, teacher, class_id)
            rows = (await conn.execute(query)).all()
        by_session: dict[uuid.UUID, tuple[Any, dict[str, int]]] = {}
        for session_id, started_at, ended_at, status, count in rows:
            _, tally = by_session.setdefault(session_id, ((started_at, ended_at), {}))
            if status is not None:
                tally[status] = count
        return [
            SessionHistoryRow(
                sessionId=str(session_id),
                startedAt=clock.iso(started_at),
                endedAt=None if ended_at is None else clock.iso(ended_at),
                **counts_of(tally),
            )
            for session_id, ((started_at, ended_at), tally) in by_session.items()
        ]

    async def matrix(self, teacher: Principal, raw_class_id: str) -> AttendanceMatrix:
        """Every enrolled student against every finished session, oldest first."""
        class_id = access.class_id_from_path(raw_class_id)
        async with self.db.read() as conn:
            await access.require_owner(conn, teacher, class_id)
            sessions = (
                await conn.execute(
                    select(AttendanceSession.id, AttendanceSession.started_at)
                    .where(
                        AttendanceSession.class_id == class_id,
                        AttendanceSession.ended_at.is_not(None),
                    )
                    .order_by(AttendanceSession.started_at, AttendanceSession.id)
                )
            ).all()
            students = (await conn.execute(roster_query(class_id))).all()
            marks = await conn.execute(
                select(Attendance.session_id, Attendance.student_id, Attendance.status)
                .join(AttendanceSession, AttendanceSession.id == Attendance.session_id)
                .where(Attendance.class_id == class_id, AttendanceSession.ended_at.is_not(None))
            )
            status_of = {(session_id, sid): status for session_id, sid, status in marks}
        rows: list[MatrixStudent] = []
        for student in students:
            statuses = [status_of.get((session.id, student.id)) for session in sessions]
            known = [status for status in statuses if status is not None]
            attended = sum(status in ("present", "late") for status in known)
            rows.append(
                MatrixStudent(
                    id=str(student.id),
                    name=student.name,
                    email=student.email,
                    statuses=statuses,
                    rate=attended / len(known) if known else None,
                )
            )
        return AttendanceMatrix(
            classId=str(class_id),
            sessions=[
                SessionRef(sessionId=str(s.id), startedAt=clock.iso(s.started_at)) for s in sessions
            ],
            students=rows,
        )
