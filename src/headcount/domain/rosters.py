"""Who is enrolled in a class: one student added (the seed's route), many at once, or one
removed. A class enrols only active students of its own school: any other id is `Student
not found`, as if it did not exist. A student's open sockets follow at once, on every
process; a student removed keeps their past marks in the class's history.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from headcount import clock
from headcount.domain import access, errors
from headcount.domain.access import Need
from headcount.domain.classes import Classes
from headcount.domain.events import AudienceJoined, AudienceLeft, EventSink
from headcount.domain.management_inputs import MAX_BULK_ENROLMENT
from headcount.domain.views import ClassView
from headcount.security import Principal
from headcount.store.database import Database
from headcount.store.tables import Class, Enrollment, User
from headcount.store.upsert import insert_ignoring_duplicates


async def _enrol(
    conn: AsyncConnection, manager: Principal, class_id: uuid.UUID, student_ids: Sequence[uuid.UUID]
) -> list[uuid.UUID]:
    """Enrol every one of `student_ids` or none; those who were not enrolled before."""
    facts = await access.require(conn, manager, class_id, Need.MANAGE)
    if facts.archived:
        raise errors.class_archived()
    wanted = list(dict.fromkeys(student_ids))
    eligible = await conn.scalar(
        select(func.count())
        .select_from(User)
        .join(Class, Class.school_id == User.school_id)
        .where(
            Class.id == class_id,
            User.id.in_(wanted),
            User.role == "student",
            User.active,
        )
    )
    if eligible != len(wanted):
        raise errors.student_not_found()
    already = set(
        await conn.scalars(
            select(Enrollment.student_id).where(
                Enrollment.class_id == class_id, Enrollment.student_id.in_(wanted)
            )
        )
    )
    added = [student_id for student_id in wanted if student_id not in already]
    now = clock.now()
    if added:
        # The roster is ordered by enrolled_at: a microsecond apiece keeps the list's order
        # within the millisecond that every rendered time is truncated to (at most 1,000 ids).
        rows = [
            {"class_id": class_id, "student_id": s, "enrolled_at": now + timedelta(microseconds=n)}
            for n, s in enumerate(added)
        ]
        await conn.execute(insert_ignoring_duplicates(conn, Enrollment), rows)
    return added


class Rosters:
    def __init__(self, db: Database, events: EventSink, classes: Classes) -> None:
        self.db = db
        self.events = events
        self.classes = classes

    async def enrol(
        self, manager: Principal, raw_class_id: str, student_ids: Sequence[uuid.UUID]
    ) -> ClassView:
        """Enrol up to MAX_BULK_ENROLMENT students at once, all or nothing; enrolling a
        student twice keeps one entry."""
        class_id = access.class_id_from_path(raw_class_id)
        if len(student_ids) > MAX_BULK_ENROLMENT:
            raise errors.too_many_students()
        async with self.db.write() as conn:
            added = await _enrol(conn, manager, class_id, student_ids)
        for student_id in added:
            await self.events.publish(AudienceJoined(class_id, student_id))
        return await self.classes.view(class_id)

    async def unenrol(
        self, manager: Principal, raw_class_id: str, raw_student_id: str
    ) -> ClassView:
        class_id = access.class_id_from_path(raw_class_id)
        async with self.db.write() as conn:
            await access.require(conn, manager, class_id, Need.MANAGE)
            try:
                student_id = uuid.UUID(raw_student_id)
            except ValueError:
                raise errors.student_not_found() from None
            removed = await conn.execute(
                delete(Enrollment).where(
                    Enrollment.class_id == class_id, Enrollment.student_id == student_id
                )
            )
            if not removed.rowcount:
                raise errors.student_not_found()
        await self.events.publish(AudienceLeft(class_id, student_id))
        return await self.classes.view(class_id)
