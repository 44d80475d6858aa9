"""School-wide reports over finished roll calls, for whoever manages the classes: a teacher
sees their own classes, an administrator every class of their schools. The rules live in
`report_queries`, one SQL statement per report; this turns their rows into the contract."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.sql.elements import ColumnElement

from headcount import clock
from headcount.domain import report_queries as q
from headcount.domain.report_inputs import ChronicQuery, NotTakenQuery, ReportQuery, StreakQuery
from headcount.domain.report_views import AbsenceStreak, ChronicAbsence, NotTaken, StudentTotals
from headcount.security import Principal
from headcount.store.database import Database

Scope = ColumnElement[bool]


def _totals(row: Any) -> StudentTotals:
    return StudentTotals(
        id=str(row.id),
        name=row.name,
        email=row.email,
        sessions=int(row.sessions),
        present=int(row.present),
        late=int(row.late),
        absent=int(row.absent),
        excused=int(row.excused),
        rate=None if row.rate is None else float(row.rate),
    )


class Reports:
    def __init__(self, db: Database, excused_counts_against_rate: bool) -> None:
        self.db = db
        self.excused_counts = excused_counts_against_rate

    async def _rows(self, who: Principal, report: Callable[[Scope], Any]) -> list[Any]:
        """The report's rows over the classes `who` manages."""
        async with self.db.read() as conn:
            schools = []
            if who.role == "admin":
                schools = list((await conn.scalars(q.schools(who))).all())
            return list((await conn.execute(report(q.scope(who, schools)))).all())

    async def students(self, who: Principal, query: ReportQuery) -> list[StudentTotals]:
        rows = await self._rows(who, lambda s: q.totals(s, *query.days(), self.excused_counts))
        return [_totals(row) for row in rows]

    async def chronic(self, who: Principal, query: ChronicQuery) -> list[ChronicAbsence]:
        rows = await self._rows(
            who,
            lambda s: q.chronic(
                s, *query.days(), self.excused_counts, query.threshold, query.minSessions
            ),
        )
        return [ChronicAbsence(**_totals(row), absenceRate=float(row.absence_rate)) for row in rows]

    async def streaks(self, who: Principal, query: StreakQuery) -> list[AbsenceStreak]:
        rows = await self._rows(
            who, lambda s: q.streaks(s, *query.days(), self.excused_counts, query.min)
        )
        return [
            AbsenceStreak(
                studentId=str(row.student_id),
                name=row.name,
                email=row.email,
                classId=str(row.class_id),
                className=row.class_name,
                length=int(row.length),
                firstSessionAt=clock.iso(row.first_at),
                lastSessionAt=clock.iso(row.last_at),
            )
            for row in rows
        ]

    async def not_taken(self, who: Principal, query: NotTakenQuery) -> list[NotTaken]:
        return [
            NotTaken(
                classId=str(row.id),
                className=row.class_name,
                teacherId=str(row.teacher_id),
                teacherName=row.name,
                lastTakenAt=clock.iso(row.last_at),
            )
            for row in await self._rows(who, lambda s: q.not_taken(s, query.day()))
        ]
