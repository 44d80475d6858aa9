"""Roll calls while they run: start, mark, check in, count, finish.

Every change is committed before it is cached and announced. Writers lock the session row
(see `live.hold_open`), so marks of a session take turns and none lands after `DONE`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import and_, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from headcount import clock, metrics
from headcount.domain import access, checkin, errors, marking_statement, tallies
from headcount.domain.access import Need
from headcount.domain.events import EventSink, Finished, Marked, SessionOpened, Summarized
from headcount.domain.excusals import excuse_at_start
from headcount.domain.inputs import StartInput
from headcount.domain.known_classes import ROSTER_ORDER
from headcount.domain.live import (
    LiveSession,
    active_sessions,
    counts,
    live_session,
    resolve,
    status_of,
)
from headcount.domain.marking import (
    CHECK_IN,
    DONE,
    Mark,
    Outcome,
    marked_data,
    record,
    record_absences,
)
from headcount.domain.outbox import enqueue, enqueue_absence_mail, enqueue_for, wanting
from headcount.domain.records import Records
from headcount.domain.throttle import Throttle
from headcount.domain.views import (
    CachedValue,
    CheckInCode,
    Counts,
    MarkReceipt,
    SessionStarted,
    SessionState,
    StatusView,
)
from headcount.security import MANAGING_ROLES, Principal
from headcount.store.database import Database
from headcount.store.tables import (
    Attendance,
    AttendanceSession,
    Enrollment,
)

NOT_YET_UPDATED = "not yet updated"


def _started(session: LiveSession) -> dict[str, Any]:
    return {
        "classId": str(session.class_id),
        "sessionId": str(session.id),
        "startedAt": clock.iso(session.started_at),
    }


async def _announce_finish(
    conn: AsyncConnection, session: LiveSession, tally: Counts, now: datetime, mail: bool
) -> None:
    """`session.finished` with the summary, and `student.absent` for each student `DONE`
    marked absent, in the transaction that finished the roll call."""
    finished = {**_started(session), "endedAt": clock.iso(now), "summary": dict(tally)}
    await enqueue(conn, session.class_id, "session.finished", finished)
    endpoints = await wanting(conn, session.class_id, "student.absent")
    if endpoints:
        absent = await conn.scalars(
            select(Attendance.student_id).where(
                Attendance.session_id == session.id, Attendance.source == DONE
            )
        )
        each = [
            {**_started(session), "studentId": str(student_id), "endedAt": clock.iso(now)}
            for student_id in absent
        ]
        await enqueue_for(conn, endpoints, "student.absent", each)
    if mail:
        await enqueue_absence_mail(conn, session.class_id, session.id, now.date().isoformat())


class Sessions:
    def __init__(
        self,
        db: Database,
        events: EventSink,
        records: Records,
        throttle: Throttle,
        mail: bool = False,  # e-mail guardians of absent students (SMTP_URL is set)
    ) -> None:
        self.mail = mail
        self.db = db
        self.events = events
        self.records = records
        self.throttle = throttle

    async def start(self, teacher: Principal, request: StartInput) -> SessionStarted:
        """Open a roll call, or return the one already running unchanged (idempotent)."""
        try:
            return await self._start(teacher, request)
        except IntegrityError:
            # A concurrent start won the partial unique index: its session is the answer.
            return await self._start(teacher, request)

    async def _start(self, teacher: Principal, request: StartInput) -> SessionStarted:
        opened = False
        async with self.db.write() as conn:
            facts = await access.require(conn, teacher, request.classId, Need.MANAGE, hold=True)
            if facts.archived:
                raise errors.class_archived()
            row = (
                await conn.execute(
                    active_sessions().where(AttendanceSession.class_id == request.classId)
                )
            ).first()
            if row is None:
                session = LiveSession(
                    uuid.uuid4(),
                    request.classId,
                    clock.now(),
                    checkin.new_secret(),
                    request.checkIn,
                    request.lateAfterMinutes,
                )
                await conn.execute(
                    insert(AttendanceSession).values(
                        id=session.id,
                        class_id=session.class_id,
                        started_by=teacher.user_id,
                        started_at=session.started_at,
                        checkin_secret=session.checkin_secret,
                        checkin_open=session.checkin_open,
                        late_after_minutes=session.late_after_minutes,
                    )
                )
                await excuse_at_start(conn, session, teacher.user_id)
                await enqueue(conn, session.class_id, "session.started", _started(session))
                opened = True
            else:
                session = live_session(row._mapping)
        if opened:
            await self.events.publish(
                SessionOpened(session.class_id, session.id, session.started_at)
            )
        return SessionStarted(
            classId=str(session.class_id),
            sessionId=str(session.id),
            startedAt=clock.iso(session.started_at),
        )

    async def _apply(
        self,
        who: Principal,
        class_id: uuid.UUID | None,
        mark: Mark,
        ttl: int | None,
        strict: bool = False,
    ) -> tuple[LiveSession, Outcome]:
        """Store a mark durably (or refuse it as stale), then announce and cache it."""
        quick = None
        if class_id is not None and not self.db.is_sqlite:
            quick = await marking_statement.record(self.db, who, class_id, mark)
        session, outcome = quick or await self._apply_in_transaction(who, class_id, mark, strict)
        metrics.MARKS.labels(mark.source, str(outcome.applied).lower()).inc()
        if outcome.applied:
            await self.events.publish(Marked(session.class_id, mark.student_id, mark.status))
            value = CachedValue(status=mark.status, timestamp=clock.iso(outcome.marked_at))
            self.records.remember(session.class_id, mark.student_id, session.started_at, value, ttl)
        return session, outcome

    async def _apply_in_transaction(
        self, who: Principal, class_id: uuid.UUID | None, mark: Mark, strict: bool
    ) -> tuple[LiveSession, Outcome]:
        async with self.db.write() as conn:
            session = await resolve(conn, who, class_id, lock=True, strict=strict)
            outcome = await record(conn, session, mark)
            if outcome.applied:
                data = marked_data(session.class_id, session.id, mark, outcome)
                await enqueue(conn, session.class_id, "attendance.marked", data)
        return session, outcome

    async def mark(
        self,
        teacher: Principal,
        class_id: uuid.UUID | None,
        mark: Mark,
        ttl: int | None = None,
        *,
        strict: bool = False,
    ) -> MarkReceipt:
        """A teacher's mark. A stale replay is refused and answered with what is stored.
        `strict`: HTTP's order of checks (a class that does not exist is 404)."""
        session, outcome = await self._apply(teacher, class_id, mark, ttl, strict)
        return MarkReceipt(
            classId=str(session.class_id),
            studentId=str(mark.student_id),
            status=outcome.status,
            timestamp=clock.iso(outcome.marked_at),
            cacheKey=self.records.key(session.class_id, mark.student_id, session.started_at),
            applied=outcome.applied,
        )

    async def check_in(
        self, student: Principal, class_id: uuid.UUID | None, code: str, *, strict: bool = False
    ) -> StatusView:
        """A student checks themselves in with the code the teacher shows."""
        async with self.db.read() as conn:
            session = await resolve(conn, student, class_id, strict=strict)
        if not session.checkin_open or session.checkin_secret is None:
            raise errors.check_in_closed()
        now = clock.now()
        async with self.throttle.code(student.user_id):
            if not checkin.accepts(session.checkin_secret, code, now):
                raise errors.invalid_code()
        mark = Mark(student.user_id, session.status_of_check_in(now), student.user_id, CHECK_IN)
        _, outcome = await self._apply(student, session.class_id, mark, None)
        return StatusView(classId=str(session.class_id), status=outcome.status)

    async def check_in_code(
        self, teacher: Principal, class_id: uuid.UUID | None, *, strict: bool = False
    ) -> CheckInCode:
        """The code to show the class now, and when it rotates."""
        async with self.db.read() as conn:
            session = await resolve(conn, teacher, class_id, strict=strict)
        if not session.checkin_open or session.checkin_secret is None:
            raise errors.check_in_closed()
        now = clock.now()
        return CheckInCode(
            classId=str(session.class_id),
            code=checkin.code_at(session.checkin_secret, now),
            expiresAt=clock.iso(checkin.expires_at(now)),
        )

    async def summary(self, teacher: Principal, class_id: uuid.UUID | None) -> Counts:
        async with self.db.read() as conn:
            session = await resolve(conn, teacher, class_id)
            tally = await counts(conn, session.id)
        await self.events.publish(Summarized(session.class_id, tally))
        return tally

    async def own_status(self, student: Principal, class_id: uuid.UUID | None) -> StatusView:
        """A student's mark in the running session, or `not yet updated`."""
        async with self.db.read() as conn:
            session = await resolve(conn, student, class_id)
            status = await status_of(conn, session.id, student.user_id)
        return StatusView(classId=str(session.class_id), status=status or NOT_YET_UPDATED)

    async def finish(self, teacher: Principal, class_id: uuid.UUID | None) -> tuple[str, Counts]:
        """Mark every unmarked enrolled student absent and close the session, atomically.

        The absences are audited too, as events with source `done`.
        """
        async with self.db.write() as conn:
            session = await resolve(conn, teacher, class_id)
            now = clock.now()
            closed = await conn.execute(
                update(AttendanceSession)
                .where(AttendanceSession.id == session.id, AttendanceSession.ended_at.is_(None))
                .values(ended_at=now)
            )
            if closed.rowcount != 1:
                raise errors.no_active_session()
            await record_absences(conn, session, teacher.user_id, now)
            tally = await counts(conn, session.id)
            await _announce_finish(conn, session, tally, now, self.mail)
        await self.events.publish(Finished(session.class_id, tally))
        await tallies.tally_after_done(self.db, session.id, session.started_at)
        return str(session.class_id), tally

    async def state(self, who: Principal, class_id: uuid.UUID | None) -> SessionState:
        """The running session for a client that (re)connects; students see only themselves."""
        async with self.db.read() as conn:
            session = await resolve(conn, who, class_id)
            tally = await counts(conn, session.id)
            if who.role in MANAGING_ROLES:
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
                attendance = {str(who.user_id): await status_of(conn, session.id, who.user_id)}
        return SessionState(
            classId=str(session.class_id),
            sessionId=str(session.id),
            startedAt=clock.iso(session.started_at),
            summary=tally,
            attendance=attendance,
        )
