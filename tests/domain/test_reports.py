"""domain/reports.py with EXCUSED_COUNTS_AGAINST_RATE=false: excused sessions count neither
for nor against a student, so they are not missed and they end a run of absences. (The
contract tests cover the default, through the server.)"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from headcount.domain.report_inputs import ChronicQuery, ReportQuery, StreakQuery
from headcount.domain.reports import Reports
from headcount.security import Principal
from headcount.store.tables import Attendance, AttendanceSession
from tests.domain.conftest import Domain

MARCH = {"from": "2025-03-01", "to": "2025-03-31"}
STATUS = {"P": "present", "A": "absent", "L": "late", "E": "excused"}


async def record(
    domain: Domain, teacher: Principal, class_id: uuid.UUID, student: Principal, codes: str
) -> None:
    """One finished session a day from 3 March 2025, with the student's status in each."""
    async with domain.services.db.write() as conn:
        for day, code in enumerate(codes):
            session_id = uuid.uuid4()
            started = datetime(2025, 3, 3, 9, tzinfo=UTC) + timedelta(days=day)
            await conn.execute(
                insert(AttendanceSession).values(
                    id=session_id,
                    class_id=class_id,
                    started_by=teacher.user_id,
                    started_at=started,
                    ended_at=started + timedelta(minutes=45),
                )
            )
            await conn.execute(
                insert(Attendance).values(
                    session_id=session_id,
                    class_id=class_id,
                    student_id=student.user_id,
                    status=STATUS[code],
                    marked_at=started,
                )
            )


async def test_excused_sessions_do_not_count_when_the_setting_says_so(domain: Domain) -> None:
    teacher, class_id, (student,) = await domain.classroom(1)
    await record(domain, teacher, class_id, student, "AEAPAE")
    reports = Reports(domain.services.db, excused_counts_against_rate=False)

    (totals,) = await reports.students(teacher, ReportQuery.model_validate(MARCH))
    assert (totals["sessions"], totals["absent"], totals["excused"]) == (6, 3, 2)
    assert totals["rate"] == 1 / 4  # 1 attended of the 4 that count

    chronic = ChronicQuery.model_validate({**MARCH, "threshold": "0.75", "minSessions": "6"})
    (found,) = await reports.chronic(teacher, chronic)
    assert found["absenceRate"] == 3 / 4

    # A E A: the excused day breaks the run, so no run reaches 2.
    assert await reports.streaks(teacher, StreakQuery.model_validate({**MARCH, "min": "2"})) == []
    runs = await reports.streaks(teacher, StreakQuery.model_validate({**MARCH, "min": "1"}))
    assert [(run["length"], run["firstSessionAt"][:10]) for run in runs] == [
        (1, "2025-03-03"),
        (1, "2025-03-05"),
        (1, "2025-03-07"),
    ]
