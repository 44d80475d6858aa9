"""Roll calls of past days for the report tests, written straight into the server's database
(the API only starts a roll call now), and the district those reports are read in."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, select, update

from headcount.domain import tallies
from headcount.store.database import Database
from headcount.store.tables import Attendance, AttendanceSession, Class, Org
from tests.support.client import Account, Api


def this_month() -> tuple[date, date]:
    """The first and last day of the current UTC month: a range the tallies answer whole."""
    first = tallies.month_of(datetime.now(UTC))
    return first, tallies.next_month(first) - timedelta(days=1)


def at_nine(day: date) -> datetime:
    return datetime.combine(day, time(9), UTC)


async def past_session(
    api: Api,
    teacher: Account,
    class_id: str,
    day: date,
    marks: Sequence[tuple[Account, str]],
    tallied: bool = True,
) -> None:
    """A roll call finished on `day` (09:00-09:45 UTC) with `marks`, tallied as DONE leaves
    one, or not as a bulk load leaves one."""
    session_id = uuid.uuid4()
    started = at_nine(day)
    database = Database(api.server.backend.database_url)
    try:
        async with database.write() as conn:
            await conn.execute(
                insert(AttendanceSession).values(
                    id=session_id,
                    class_id=uuid.UUID(class_id),
                    started_by=uuid.UUID(teacher.id),
                    started_at=started,
                    ended_at=started + timedelta(minutes=45),
                )
            )
            for student, status in marks:
                await conn.execute(
                    insert(Attendance).values(
                        session_id=session_id,
                        class_id=uuid.UUID(class_id),
                        student_id=uuid.UUID(student.id),
                        status=status,
                        marked_at=started,
                        source="ws",
                    )
                )
            if tallied:
                await tallies.tally_finished(conn, session_id, started)
    finally:
        await database.close()


async def move_to_school_of(api: Api, class_id: str, district_sid: str) -> None:
    """Put the class in the district an administrator manages."""
    database = Database(api.server.backend.database_url)
    try:
        async with database.write() as conn:
            org = await conn.scalar(select(Org.id).where(Org.sourced_id == district_sid))
            await conn.execute(
                update(Class).where(Class.id == uuid.UUID(class_id)).values(school_id=org)
            )
    finally:
        await database.close()
