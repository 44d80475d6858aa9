"""Each student's marks per class and month, counted once as a roll call finishes, so that a
school-wide report over a year adds up a few rows per student instead of reading every mark
(docs/records.md, "Tallies").

`DONE` tallies its session in a transaction of its own once the roll call's end is committed
and announced, and a correction moves the count from the old status to the new one in its
own. A finished session not tallied (yet: the process died in between, or the tally failed;
or ever: a bulk load wrote it) is read mark by mark by the reports, so a tally makes a
report faster, never different. Only a mark changed by hand in the database goes around its
tally; `headcount db retally` counts them all afresh.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import delete, func, insert, literal, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from headcount import clock
from headcount.store.database import Database
from headcount.store.faults import UNAVAILABLE_ERRORS
from headcount.store.tables import Attendance, AttendanceSession, AttendanceTally
from headcount.store.upsert import upsert_adding

log = structlog.get_logger(__name__)

# What a tally after `DONE` may meet: the database refusing, or not answering.
TALLY_FAILURES: tuple[type[BaseException], ...] = (SQLAlchemyError, *UNAVAILABLE_ERRORS)
STATUSES = ("present", "late", "absent", "excused")
COUNTS = ("sessions", *STATUSES)
KEY = ("class_id", "student_id", "month")
COLUMNS = (*KEY, *COUNTS)


def month_of(moment: datetime | date) -> date:
    """The first day of the month `moment` falls in (in UTC for a time)."""
    day = clock.as_utc(moment).date() if isinstance(moment, datetime) else moment
    return day.replace(day=1)


def next_month(day: date) -> date:
    """The first day of the month after the one `day` falls in."""
    return month_of(day.replace(day=28) + timedelta(days=4))


def full_months(first: date, last: date) -> tuple[date, date]:
    """The months wholly inside the days `first`…`last`, as the first day of the first one and
    of the month after the last one; the first is not before the second when there are none."""
    start = first if first.day == 1 else next_month(first)
    return start, month_of(last + timedelta(days=1))


def _per_student(month: date, marks: ColumnElement[bool]) -> Any:
    """The counts of the marks `marks` selects, per class and student, as tallies of `month`."""
    return (
        select(
            Attendance.class_id,
            Attendance.student_id,
            literal(month),
            func.count(),
            *(func.count().filter(Attendance.status == status) for status in STATUSES),
        )
        .where(marks)
        .group_by(Attendance.class_id, Attendance.student_id)
    )


async def tally_finished(
    conn: AsyncConnection, session_id: uuid.UUID, started_at: datetime
) -> None:
    """Add the finished session's marks to its month's tallies, unless they are already: the
    session is claimed first, so a second call, or `retally`, counts it once. A correction
    reads the session `FOR SHARE`, so it comes wholly before this or wholly after."""
    claimed = await conn.execute(
        update(AttendanceSession)
        .where(
            AttendanceSession.id == session_id,
            AttendanceSession.ended_at.is_not(None),
            AttendanceSession.tallied.is_(False),
        )
        .values(tallied=True)
    )
    if claimed.rowcount != 1:
        return
    marks = _per_student(month_of(started_at), Attendance.session_id == session_id)
    adding = upsert_adding(conn.dialect.name, AttendanceTally, KEY)
    await conn.execute(adding.from_select(COLUMNS, marks))


async def tally_after_done(db: Database, session_id: uuid.UUID, started_at: datetime) -> None:
    """`DONE`'s tally, once the roll call's end is committed and announced, so that `DONE`
    waits for none of it. A failure costs the reports speed, never a count (they read an
    untallied session mark by mark), so it is logged, not turned into a failed `DONE`."""
    try:
        async with db.write() as conn:
            await tally_finished(conn, session_id, started_at)
    except TALLY_FAILURES as exc:
        log.warning("tally_failed", session_id=str(session_id), error=repr(exc))


async def retally(conn: AsyncConnection) -> int:
    """Count every finished roll call's tallies afresh from its marks, for a database whose
    marks or roll calls were changed outside Headcount; returns how many are tallied."""
    if conn.dialect.name == "postgresql":
        # No roll call starts or finishes meanwhile (both wait), so none is counted twice or
        # missed; marks of running ones go on.
        await conn.execute(text("LOCK TABLE attendance_sessions IN SHARE ROW EXCLUSIVE MODE"))
    finished = AttendanceSession.ended_at.is_not(None)
    await conn.execute(
        update(AttendanceSession)
        .where(AttendanceSession.tallied != finished)
        .values(tallied=finished)
    )
    await conn.execute(delete(AttendanceTally))
    started = AttendanceSession.started_at
    span = (
        await conn.execute(
            select(func.min(started), func.max(started), func.count()).where(finished)
        )
    ).one()
    if not span[2]:
        return 0
    month, last = month_of(span[0]), month_of(span[1])
    while month <= last:
        following = next_month(month)
        sessions = select(AttendanceSession.id).where(
            finished, started >= clock.start_of(month), started < clock.start_of(following)
        )
        marks = _per_student(month, Attendance.session_id.in_(sessions))
        await conn.execute(insert(AttendanceTally).from_select(COLUMNS, marks))
        month = following
    return int(span[2])


async def amend(
    conn: AsyncConnection,
    class_id: uuid.UUID,
    student_id: uuid.UUID,
    started_at: datetime,
    before: str,
    after: str,
) -> None:
    """Move one of the student's tallied sessions from status `before` to `after`."""
    counts = AttendanceTally.__table__.c
    await conn.execute(
        update(AttendanceTally)
        .where(
            AttendanceTally.class_id == class_id,
            AttendanceTally.student_id == student_id,
            AttendanceTally.month == month_of(started_at),
        )
        .values({before: counts[before] - 1, after: counts[after] + 1})
    )
