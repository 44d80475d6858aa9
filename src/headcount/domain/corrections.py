"""Corrections after the roll call (docs/records.md): the owner teacher or an administrator
changes a student's status in a finished session, with a reason.

A correction is an ordinary write of the stored mark, plus an audit event (source `amend`,
with the reason and the status it replaced) and an `attendance.amended` webhook in the
outbox, all in one transaction. Every summary, history, matrix and CSV reads the stored
marks, so each shows the correction with no rule of its own; the reports' monthly tallies
(domain/tallies.py) move with it in the same transaction. Running sessions are refused:
their marks are the roll call's, with its own rules for who wins.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from headcount import clock
from headcount.domain import access, errors, tallies
from headcount.domain.access import Need
from headcount.domain.errors import DomainError
from headcount.domain.events import Amended, EventSink
from headcount.domain.inputs import AmendInput
from headcount.domain.marking import AMEND
from headcount.domain.outbox import enqueue
from headcount.domain.records import Records
from headcount.domain.views import Amendment, CachedValue
from headcount.security import Principal
from headcount.store.database import Database
from headcount.store.tables import Attendance, AttendanceEvent, AttendanceSession


def _id(raw: str, missing: Callable[[], DomainError]) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise missing() from None


class Corrections:
    def __init__(self, db: Database, events: EventSink, records: Records) -> None:
        self.db = db
        self.events = events
        self.records = records

    async def amend(
        self,
        who: Principal,
        raw_class_id: str,
        raw_session_id: str,
        raw_student_id: str,
        change: AmendInput,
    ) -> Amendment:
        """Store `change` as the student's status in the finished session, and announce it.
        Naming the status already stored changes and records nothing."""
        class_id = access.class_id_from_path(raw_class_id)
        session_id = _id(raw_session_id, errors.session_not_found)
        student_id = _id(raw_student_id, errors.student_not_found)
        now = clock.now()
        async with self.db.write() as conn:
            await access.require(conn, who, class_id, Need.MANAGE)
            started_at, tallied = await _finished_session(conn, class_id, session_id)
            previous = await conn.scalar(
                select(Attendance.status)
                .where(Attendance.session_id == session_id, Attendance.student_id == student_id)
                .with_for_update()
            )
            if previous is None:
                raise errors.student_not_found()
            changed = previous != change.status
            if changed:
                await _write(conn, who, session_id, student_id, change, previous, now)
                if tallied:
                    await tallies.amend(
                        conn, class_id, student_id, started_at, previous, change.status
                    )
                amended = {
                    "classId": str(class_id),
                    "sessionId": str(session_id),
                    "studentId": str(student_id),
                    "status": change.status,
                    "previousStatus": previous,
                    "reason": change.reason,
                    "amendedBy": str(who.user_id),
                }
                await enqueue(conn, class_id, "attendance.amended", amended)
        if changed:
            await self.events.publish(
                Amended(class_id, session_id, student_id, change.status, previous)
            )
            value = CachedValue(status=change.status, timestamp=clock.iso(now))
            self.records.remember(class_id, student_id, started_at, value, None)
        return Amendment(
            classId=str(class_id),
            sessionId=str(session_id),
            studentId=str(student_id),
            status=change.status,
            previousStatus=previous,
            reason=change.reason,
            amendedBy=str(who.user_id),
            amendedAt=clock.iso(now),
            changed=changed,
        )


async def _finished_session(
    conn: AsyncConnection, class_id: uuid.UUID, session_id: uuid.UUID
) -> tuple[datetime, bool]:
    """When the class's finished session `session_id` started, and whether it is tallied; a
    running one is refused."""
    row = (
        await conn.execute(
            select(
                AttendanceSession.started_at,
                AttendanceSession.ended_at,
                AttendanceSession.tallied,
            )
            .where(AttendanceSession.id == session_id, AttendanceSession.class_id == class_id)
            # Read as `DONE`'s tally claims it (domain/tallies.py): that comes wholly before
            # this correction, which then moves the tally, or wholly after, counting it.
            .with_for_update(read=True)
        )
    ).first()
    if row is None:
        raise errors.session_not_found()
    if row.ended_at is None:
        raise errors.session_in_progress()
    return row.started_at, bool(row.tallied)


async def _write(
    conn: AsyncConnection,
    who: Principal,
    session_id: uuid.UUID,
    student_id: uuid.UUID,
    change: AmendInput,
    previous: str,
    now: datetime,
) -> None:
    await conn.execute(
        update(Attendance)
        .where(Attendance.session_id == session_id, Attendance.student_id == student_id)
        .values(status=change.status, marked_at=now, source=AMEND)
    )
    await conn.execute(
        insert(AttendanceEvent).values(
            session_id=session_id,
            student_id=student_id,
            status=change.status,
            actor_id=who.user_id,
            source=AMEND,
            marked_at=now,
            received_at=now,
            applied=True,
            reason=change.reason,
            previous_status=previous,
        )
    )
