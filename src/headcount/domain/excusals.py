"""Absences excused in advance (docs/records.md): an administrator records that a student will
be away for a range of days (a doctor's appointment), and every roll call that starts on one
of those days begins with the student `excused`. It stays a provisional mark: a teacher's mark
overrides it (`marking.PROVISIONAL`), as a student who turned up after all is simply marked.
Days are UTC dates, as the attendance cache's days are: the server knows no school's zone.
"""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from headcount import clock
from headcount.domain import errors
from headcount.domain.live import LiveSession
from headcount.domain.management_inputs import ExcusalInput, ExcusalsQuery
from headcount.domain.marking import EXCUSAL, fill_in
from headcount.domain.schools import in_schools_of
from headcount.domain.views import ExcusalView
from headcount.security import Principal
from headcount.store.database import Database
from headcount.store.tables import (
    Enrollment,
    Excusal,
    User,
)


def _view(row: Any) -> ExcusalView:
    return ExcusalView(
        id=str(row.id),
        studentId=str(row.student_id),
        firstDay=row.first_day.isoformat(),
        lastDay=row.last_day.isoformat(),
        reason=row.reason,
        createdBy=str(row.created_by),
        createdAt=clock.iso(row.created_at),
    )


def _of_admins_schools(admin: Principal) -> Any:
    """Excusals of students in `admin`'s schools."""
    return (
        select(Excusal)
        .join(User, User.id == Excusal.student_id)
        .where(in_schools_of(User.school_id, admin.user_id))
    )


class Excusals:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(self, admin: Principal, body: ExcusalInput) -> ExcusalView:
        student = select(User.id).where(
            User.id == body.studentId,
            User.role == "student",
            User.active,
            in_schools_of(User.school_id, admin.user_id),
        )
        values = {
            "id": uuid.uuid4(),
            "student_id": body.studentId,
            "first_day": body.firstDay,
            "last_day": body.lastDay,
            "reason": body.reason,
            "created_by": admin.user_id,
            "created_at": clock.now(),
        }
        async with self.db.write() as conn:
            if await conn.scalar(student) is None:
                raise errors.student_not_found()
            await conn.execute(insert(Excusal).values(values))
        return _view(SimpleNamespace(**values))

    async def listing(self, admin: Principal, query: ExcusalsQuery) -> list[ExcusalView]:
        statement = _of_admins_schools(admin).order_by(Excusal.first_day, Excusal.created_at)
        if query.studentId is not None:
            statement = statement.where(Excusal.student_id == query.studentId)
        async with self.db.read() as conn:
            return [_view(row) for row in await conn.execute(statement)]

    async def remove(self, admin: Principal, raw_id: str) -> ExcusalView:
        try:
            excusal_id = uuid.UUID(raw_id)
        except ValueError:
            raise errors.excusal_not_found() from None
        async with self.db.write() as conn:
            row = (
                await conn.execute(_of_admins_schools(admin).where(Excusal.id == excusal_id))
            ).first()
            if row is None:
                raise errors.excusal_not_found()
            await conn.execute(delete(Excusal).where(Excusal.id == excusal_id))
        return _view(row)


async def excuse_at_start(conn: AsyncConnection, session: LiveSession, actor_id: uuid.UUID) -> None:
    """The roll call `session` opens with every enrolled student excused on its day marked
    `excused`, audited with the excusal's reason."""
    day = clock.as_utc(session.started_at).date()
    excused = (
        select(Enrollment.student_id, func.min(Excusal.reason).label("reason"))
        .join(Excusal, Excusal.student_id == Enrollment.student_id)
        .where(
            Enrollment.class_id == session.class_id,
            Excusal.first_day <= day,
            Excusal.last_day >= day,
        )
        .group_by(Enrollment.student_id)
        .subquery()
    )
    await fill_in(conn, session, excused, ("excused", EXCUSAL, session.started_at), actor_id)
