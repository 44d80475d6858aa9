"""The one migration chain runs up, down and up again on both backends."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, inspect, select

from headcount.store import migrate
from headcount.store.database import Database
from headcount.store.tables import (
    DEFAULT_SCHOOL_ID,
    Attendance,
    AttendanceSession,
    AttendanceTally,
    Base,
    Class,
    User,
)
from tests.support.backends import Backend


async def _tables(url: str) -> set[str]:
    database = Database(url)
    try:
        async with database.read() as conn:
            names = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
    finally:
        await database.close()
    return set(names) - {"alembic_version"}


def test_upgrade_downgrade_upgrade(fresh_backend: Backend) -> None:
    url = fresh_backend.database_url
    migrate.upgrade(url)
    assert asyncio.run(_tables(url)) == set(Base.metadata.tables)
    migrate.downgrade(url, "base")
    assert asyncio.run(_tables(url)) == set()
    migrate.upgrade(url)
    assert asyncio.run(_tables(url)) == set(Base.metadata.tables)


def test_tables_match_the_models(fresh_backend: Backend) -> None:
    """Autogenerate finds nothing to do: the migrations build exactly what tables.py declares."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    url = fresh_backend.database_url
    migrate.upgrade(url)

    async def diff() -> list[object]:
        database = Database(url)
        try:
            async with database.read() as conn:
                return await conn.run_sync(
                    lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
                )
        finally:
            await database.close()

    assert asyncio.run(diff()) == []


async def _finished_and_running(url: str) -> None:
    """At revision 0009: one finished roll call of March 2025 with three marks, and one of
    April 2025 still running with one."""
    moment = datetime(2025, 3, 31, 23, 0, tzinfo=UTC)
    teacher, class_id, students = uuid.uuid4(), uuid.uuid4(), [uuid.uuid4() for _ in range(3)]
    user = {"role": "teacher", "created_at": moment, "school_id": DEFAULT_SCHOOL_ID}
    database = Database(url)
    try:
        async with database.write() as conn:
            await conn.execute(
                insert(User).values(id=teacher, name="T", email=f"{teacher}@x.org", **user)
            )
            await conn.execute(
                insert(Class).values(
                    id=class_id,
                    class_name="C",
                    teacher_id=teacher,
                    created_at=moment,
                    school_id=DEFAULT_SCHOOL_ID,
                )
            )
            for started, ended, statuses in (
                (moment, moment, ("present", "absent", "absent")),
                (moment + timedelta(hours=2), None, ("late",)),
            ):
                session_id = uuid.uuid4()
                await conn.execute(
                    insert(AttendanceSession).values(
                        id=session_id,
                        class_id=class_id,
                        started_by=teacher,
                        started_at=started,
                        ended_at=ended,
                    )
                )
                for student, status in zip(students, statuses, strict=False):
                    await conn.execute(
                        insert(Attendance).values(
                            session_id=session_id,
                            class_id=class_id,
                            student_id=student,
                            status=status,
                            marked_at=started,
                        )
                    )
    finally:
        await database.close()


async def _tallies(url: str) -> tuple[list[tuple[object, ...]], list[bool]]:
    database = Database(url)
    try:
        async with database.read() as conn:
            tallies = await conn.execute(
                select(
                    AttendanceTally.month,
                    AttendanceTally.sessions,
                    AttendanceTally.present,
                    AttendanceTally.late,
                    AttendanceTally.absent,
                    AttendanceTally.excused,
                ).order_by(AttendanceTally.present.desc())
            )
            flags = await conn.scalars(
                select(AttendanceSession.tallied).order_by(AttendanceSession.started_at)
            )
            return [tuple(row) for row in tallies], list(flags)
    finally:
        await database.close()


def test_0010_tallies_the_roll_calls_already_finished(fresh_backend: Backend) -> None:
    url = fresh_backend.database_url
    migrate.upgrade(url, "0009")
    asyncio.run(_finished_and_running(url))
    migrate.upgrade(url)
    # Per student of the finished session (the running one is DONE's to tally), in UTC March.
    march = date(2025, 3, 1)
    assert asyncio.run(_tallies(url)) == (
        [(march, 1, 1, 0, 0, 0), (march, 1, 0, 0, 1, 0), (march, 1, 0, 0, 1, 0)],
        [True, False],
    )
