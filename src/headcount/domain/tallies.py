"""Each student's marks per class and month, counted once as a roll call finishes, so that a
school-wide report over a year adds up a few rows per student instead of reading every mark
(docs/records.md, "Tallies").

`DONE` tallies its session in the transaction that finishes it, and a correction moves the
count from the old status to the new one in its own. A finished session that reached the
database any other way (a bulk load, say) is left untallied, and the reports read its marks
one by one: a tally makes a report faster, never different.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import Integer, case, literal, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from headcount import clock
from headcount.store.tables import Attendance, AttendanceTally
from headcount.store.upsert import upsert_adding

STATUSES = ("present", "late", "absent", "excused")
COUNTS = ("sessions", *STATUSES)


def month_of(moment: datetime | date) -> date:
    """The first day of the month `moment` falls in (in UTC for a time)."""
    day = clock.as_utc(moment).date() if isinstance(moment, datetime) else moment
    return day.replace(day=1)


def full_months(first: date, last: date) -> tuple[date, date]:
    """The months wholly inside the days `first`…`last`, as the first day of the first one and
    of the month after the last one; the first is not before the second when there are none."""
    start = first if first.day == 1 else month_of(first.replace(day=28) + timedelta(days=4))
    return start, month_of(last + timedelta(days=1))


async def tally_session(conn: AsyncConnection, session_id: uuid.UUID, started_at: datetime) -> None:
    """Add every mark of the finishing session to its month's tallies. The statement that
    finishes the session sets its `tallied` in the same transaction."""
    one_each = select(
        Attendance.class_id,
        Attendance.student_id,
        literal(month_of(started_at)),
        literal(1, Integer),
        *(case((Attendance.status == status, 1), else_=0) for status in STATUSES),
    ).where(Attendance.session_id == session_id)
    adding = upsert_adding(conn.dialect.name, AttendanceTally, ("class_id", "student_id", "month"))
    await conn.execute(adding.from_select(("class_id", "student_id", "month", *COUNTS), one_each))


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
