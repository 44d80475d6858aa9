"""domain/tallies.py through `DONE`: a finished roll call is tallied once, after its end is
committed, and a tally that fails costs no `DONE` and no count."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select, text

from headcount.domain import tallies
from headcount.domain.events import Finished
from headcount.domain.inputs import StartInput
from headcount.domain.marking import Mark
from headcount.domain.report_inputs import ReportQuery
from headcount.domain.reports import Reports
from headcount.security import Principal
from headcount.store.tables import AttendanceSession, AttendanceTally
from tests.contract.report_helpers import this_month
from tests.domain.conftest import Domain


def whole_month() -> ReportQuery:
    first, last = this_month()
    return ReportQuery.model_validate({"from": str(first), "to": str(last)})


async def roll_call(domain: Domain) -> tuple[Principal, uuid.UUID, list[Principal]]:
    """A finished roll call of three: one marked late, two filled in absent by `DONE`."""
    teacher, class_id, students = await domain.classroom(3)
    await domain.sessions.start(teacher, StartInput(classId=class_id))
    await domain.sessions.mark(
        teacher, None, Mark(students[0].user_id, "late", teacher.user_id, "ws")
    )
    await domain.sessions.finish(teacher, class_id)
    return teacher, class_id, students


async def stored(domain: Domain, class_id: uuid.UUID) -> tuple[list[bool], list[tuple[int, ...]]]:
    async with domain.services.db.read() as conn:
        flags = await conn.scalars(
            select(AttendanceSession.tallied).where(AttendanceSession.class_id == class_id)
        )
        counts = await conn.execute(
            select(
                AttendanceTally.sessions,
                AttendanceTally.late,
                AttendanceTally.absent,
            )
            .where(AttendanceTally.class_id == class_id)
            .order_by(AttendanceTally.late.desc())
        )
        return [bool(flag) for flag in flags], [tuple(row) for row in counts]


async def totals(domain: Domain, teacher: Principal) -> list[tuple[int, int, int]]:
    rows = await Reports(domain.services.db, True).students(teacher, whole_month())
    return sorted((row["sessions"], row["late"], row["absent"]) for row in rows)


async def test_done_tallies_its_roll_call_once(domain: Domain) -> None:
    teacher, class_id, _ = await roll_call(domain)
    assert await stored(domain, class_id) == ([True], [(1, 1, 0), (1, 0, 1), (1, 0, 1)])
    # Claimed once: a second call (another process, a retry) adds nothing.
    async with domain.services.db.write() as conn:
        session_id = await conn.scalar(
            select(AttendanceSession.id).where(AttendanceSession.class_id == class_id)
        )
        assert session_id is not None
        await tallies.tally_finished(conn, session_id, datetime.now(UTC))
    assert await stored(domain, class_id) == ([True], [(1, 1, 0), (1, 0, 1), (1, 0, 1)])
    assert await totals(domain, teacher) == [(1, 0, 1), (1, 0, 1), (1, 1, 0)]


async def test_a_failed_tally_fails_neither_done_nor_a_count(domain: Domain) -> None:
    async with domain.services.db.write() as conn:
        await conn.execute(text("ALTER TABLE attendance_tallies RENAME TO tallies_away"))
    try:
        teacher, class_id, _ = await roll_call(domain)
    finally:
        async with domain.services.db.write() as conn:
            await conn.execute(text("ALTER TABLE tallies_away RENAME TO attendance_tallies"))
    assert any(isinstance(event, Finished) for event in domain.recorder.events)
    # Left untallied, so the report reads its marks one by one, and says the same.
    assert await stored(domain, class_id) == ([False], [])
    assert await totals(domain, teacher) == [(1, 0, 1), (1, 0, 1), (1, 1, 0)]
