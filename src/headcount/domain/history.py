"""What roll calls recorded, read afterwards: a student's last status, a class's sessions,
the attendance matrix and a session's audit trail."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, func, select

from headcount import clock
from headcount.domain import access, errors
from headcount.domain.access import Need
from headcount.domain.known_classes import ROSTER_ORDER
from headcount.domain.marking import AMEND
from headcount.domain.views import (
    AttendanceMatrix,
    AuditEvent,
    MatrixStudent,
    PastStatus,
    SessionHistoryRow,
    SessionRef,
    StatusView,
    counts_of,
)
from headcount.security import Principal
from headcount.store.database import Database
from headcount.store.tables import (
    Attendance,
    AttendanceEvent,
    AttendanceSession,
    Enrollment,
    User,
)

ATTENDED = ("present", "late")


def attendance_rate(statuses: list[str | None], excused_counts: bool) -> float | None:
    """(present + late) ÷ the sessions in which the student has a status (SPEC §4), leaving
    out excused ones unless they count against the rate; `None` when no session counts."""
    counted = [s for s in statuses if s is not None and (excused_counts or s != "excused")]
    return sum(s in ATTENDED for s in counted) / len(counted) if counted else None


def finished_statuses(
    class_id: uuid.UUID, student_id: uuid.UUID
) -> Select[uuid.UUID, datetime, datetime | None, str]:
    """A class's finished sessions, newest first, each with the student's status (or null)."""
    return (
        select(
            AttendanceSession.id,
            AttendanceSession.started_at,
            AttendanceSession.ended_at,
            Attendance.status,
        )
        .outerjoin(
            Attendance,
            (Attendance.session_id == AttendanceSession.id) & (Attendance.student_id == student_id),
        )
        .where(AttendanceSession.class_id == class_id, AttendanceSession.ended_at.is_not(None))
        .order_by(AttendanceSession.started_at.desc(), AttendanceSession.id)
    )


def _enrolled(class_id: uuid.UUID) -> Select[uuid.UUID, str, str]:
    return (
        select(User.id, User.name, User.email)
        .join(Enrollment, Enrollment.student_id == User.id)
        .where(Enrollment.class_id == class_id)
        .order_by(*ROSTER_ORDER)
    )


def _former(class_id: uuid.UUID) -> Select[uuid.UUID, str, str]:
    """Students no longer enrolled who were marked in the class: their history stays."""
    still = select(Enrollment.student_id).where(Enrollment.class_id == class_id)
    marked = select(Attendance.student_id).where(
        Attendance.class_id == class_id, Attendance.student_id.not_in(still)
    )
    return (
        select(User.id, User.name, User.email)
        .where(User.id.in_(marked))
        .order_by(User.name, User.id)
    )


def past_status(row: Any) -> PastStatus:
    """One finished session (so `ended_at` is set) and the student's status in it."""
    return PastStatus(
        sessionId=str(row.id),
        startedAt=clock.iso(row.started_at),
        endedAt=clock.iso(row.ended_at),
        status=row.status,
    )


class History:
    def __init__(self, db: Database, excused_counts_against_rate: bool) -> None:
        self.db = db
        self.excused_counts_against_rate = excused_counts_against_rate

    async def last_status(self, student: Principal, raw_class_id: str) -> StatusView:
        """The student's status in the class's most recent finished session."""
        class_id = access.class_id_from_path(raw_class_id)
        async with self.db.read() as conn:
            await access.require(conn, student, class_id, Need.ATTEND)
            latest = (
                await conn.execute(finished_statuses(class_id, student.user_id).limit(1))
            ).first()
        return StatusView(classId=str(class_id), status=None if latest is None else latest.status)

    async def past_statuses(self, student: Principal, raw_class_id: str) -> list[PastStatus]:
        """A student's status in each finished session of a class, newest first."""
        class_id = access.class_id_from_path(raw_class_id)
        async with self.db.read() as conn:
            await access.require(conn, student, class_id, Need.ATTEND)
            rows = await conn.execute(finished_statuses(class_id, student.user_id))
            return [past_status(row) for row in rows]

    async def sessions(self, teacher: Principal, raw_class_id: str) -> list[SessionHistoryRow]:
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
            await access.require(conn, teacher, class_id, Need.MANAGE)
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
        """Every student against every finished session, oldest first: the enrolled ones in
        enrolment order, then any who left the class but have marks in it."""
        class_id = access.class_id_from_path(raw_class_id)
        async with self.db.read() as conn:
            await access.require(conn, teacher, class_id, Need.MANAGE)
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
            students = [
                *(await conn.execute(_enrolled(class_id))).all(),
                *(await conn.execute(_former(class_id))).all(),
            ]
            marks = await conn.execute(
                select(Attendance.session_id, Attendance.student_id, Attendance.status)
                .join(AttendanceSession, AttendanceSession.id == Attendance.session_id)
                .where(Attendance.class_id == class_id, AttendanceSession.ended_at.is_not(None))
            )
            status_at = {(session_id, sid): status for session_id, sid, status in marks}
        rows: list[MatrixStudent] = []
        for student in students:
            statuses = [status_at.get((session.id, student.id)) for session in sessions]
            rows.append(
                MatrixStudent(
                    id=str(student.id),
                    name=student.name,
                    email=student.email,
                    statuses=statuses,
                    rate=attendance_rate(statuses, self.excused_counts_against_rate),
                )
            )
        return AttendanceMatrix(
            classId=str(class_id),
            sessions=[
                SessionRef(sessionId=str(s.id), startedAt=clock.iso(s.started_at)) for s in sessions
            ],
            students=rows,
        )

    async def events(
        self, teacher: Principal, raw_class_id: str, raw_session_id: str
    ) -> list[AuditEvent]:
        """A session's audit trail, oldest first."""
        class_id = access.class_id_from_path(raw_class_id)
        async with self.db.read() as conn:
            await access.require(conn, teacher, class_id, Need.MANAGE)
            try:
                session_id = uuid.UUID(raw_session_id)
            except ValueError:
                raise errors.session_not_found() from None
            owner = await conn.scalar(
                select(AttendanceSession.class_id).where(AttendanceSession.id == session_id)
            )
            if owner != class_id:
                raise errors.session_not_found()
            rows = await conn.execute(
                select(AttendanceEvent)
                .where(AttendanceEvent.session_id == session_id)
                .order_by(AttendanceEvent.id)
            )
            return [_audit_event(row) for row in rows]


def _audit_event(row: Row[Any]) -> AuditEvent:
    event = AuditEvent(
        id=row.id,
        sessionId=str(row.session_id),
        studentId=str(row.student_id),
        status=row.status,
        actorId=str(row.actor_id),
        source=row.source,
        markedAt=clock.iso(row.marked_at),
        receivedAt=clock.iso(row.received_at),
        applied=bool(row.applied),
        opId=None if row.op_id is None else str(row.op_id),
    )
    if row.source == AMEND:
        event["reason"] = row.reason
        event["previousStatus"] = row.previous_status
    return event
