"""Marks that race each other and `DONE` (SPEC §8): on PostgreSQL a mark is one statement
(domain/marking_statement.py) that does not wait for other marks of its session, so what
stays must still be what the rules say, and nothing lands in a closed roll call."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from headcount.domain.errors import DomainError
from headcount.domain.inputs import StartInput
from headcount.domain.marking import Mark
from headcount.security import Principal
from headcount.store.tables import Attendance, AttendanceEvent
from tests.domain.conftest import Domain

ROUNDS = 5


async def stored(domain: Domain, session_id: str) -> dict[uuid.UUID, tuple[str, str]]:
    async with domain.services.db.read() as conn:
        rows = await conn.execute(
            select(Attendance.student_id, Attendance.status, Attendance.source).where(
                Attendance.session_id == uuid.UUID(session_id)
            )
        )
        return {row.student_id: (row.status, row.source) for row in rows}


async def attempt(domain: Domain, teacher: Principal, class_id: uuid.UUID, mark: Mark) -> bool:
    """Whether the mark was taken (applied or not); False if the roll call had closed."""
    try:
        await domain.sessions.mark(teacher, class_id, mark)
    except DomainError as refused:
        assert str(refused) == "No active attendance session"
        return False
    return True


async def test_marks_racing_done_land_before_it_or_not_at_all(domain: Domain) -> None:
    teacher, class_id, students = await domain.classroom(12)
    for _ in range(ROUNDS):
        session = await domain.sessions.start(teacher, StartInput(classId=class_id))
        marks = [Mark(s.user_id, "late", teacher.user_id, "ws") for s in students]
        finishing = asyncio.create_task(domain.sessions.finish(teacher, class_id))
        taken = await asyncio.gather(*(attempt(domain, teacher, class_id, m) for m in marks))
        _, tally = await finishing
        after = await stored(domain, session["sessionId"])
        expected = {
            s.user_id: ("late", "ws") if took else ("absent", "done")
            for s, took in zip(students, taken, strict=True)
        }
        assert after == expected
        assert (tally["late"], tally["absent"]) == (sum(taken), len(students) - sum(taken))


async def test_an_op_id_raced_by_its_twins_applies_once(domain: Domain) -> None:
    teacher, class_id, (student,) = await domain.classroom(1)
    session = await domain.sessions.start(teacher, StartInput(classId=class_id))
    for _ in range(ROUNDS):
        op = uuid.uuid4()
        twins = [
            Mark(student.user_id, status, teacher.user_id, "ws", op_id=op)
            for status in ("present", "late", "excused", "absent")
        ]
        receipts = await asyncio.gather(
            *(domain.sessions.mark(teacher, class_id, m) for m in twins)
        )
        applied = [r for r in receipts if r["applied"]]
        assert len(applied) == 1, receipts
        assert {r["status"] for r in receipts} == {applied[0]["status"]}
        status, _ = (await stored(domain, session["sessionId"]))[student.user_id]
        assert status == applied[0]["status"]
        async with domain.services.db.read() as conn:
            events = await conn.execute(
                select(AttendanceEvent.applied).where(AttendanceEvent.op_id == op)
            )
            assert sorted(applied for (applied,) in events) == [False, False, False, True]


async def test_racing_marks_of_one_student_converge_on_the_newest(domain: Domain) -> None:
    teacher, class_id, (student,) = await domain.classroom(1)
    session = await domain.sessions.start(teacher, StartInput(classId=class_id))
    base = datetime.now(UTC) - timedelta(minutes=10)
    statuses = ("present", "late", "absent", "excused")
    for round_ in range(ROUNDS):
        newest = statuses[round_ % len(statuses)]
        offsets = {s: 5 if s == newest else i for i, s in enumerate(statuses)}
        marks = [
            Mark(
                student.user_id,
                s,
                teacher.user_id,
                "ws",
                marked_at=base + timedelta(seconds=10 * round_ + offsets[s]),
            )
            for s in statuses
        ]
        await asyncio.gather(*(domain.sessions.mark(teacher, class_id, m) for m in reversed(marks)))
        assert (await stored(domain, session["sessionId"]))[student.user_id] == (newest, "ws")
