"""Guardians and their children (docs/notify.md): an administrator links a guardian to students
of their schools; a guardian reads their children's classes and statuses, and nothing else.
Anything that is not theirs answers as if it did not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from headcount import clock
from headcount.domain import access, errors
from headcount.domain.errors import DomainError
from headcount.domain.events import EventSink, WardsChanged
from headcount.domain.history import finished_statuses, past_status
from headcount.domain.schools import in_schools_of
from headcount.domain.views import ChildClass, ChildStatus, ChildView, PastStatus, StudentView
from headcount.security import Principal
from headcount.store.database import Database
from headcount.store.tables import Class, Enrollment, GuardianLink, User
from headcount.store.upsert import insert_ignoring_duplicates


def _id(raw: str, missing: Callable[[], DomainError]) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise missing() from None


async def _children(conn: AsyncConnection, guardian_id: uuid.UUID) -> list[StudentView]:
    rows = await conn.execute(
        select(User.id, User.name, User.email)
        .join(GuardianLink, GuardianLink.student_id == User.id)
        .where(GuardianLink.guardian_id == guardian_id)
        .order_by(User.name, User.id)
    )
    return [StudentView(id=str(r.id), name=r.name, email=r.email) for r in rows]


async def _classes_of(conn: AsyncConnection, student_id: uuid.UUID) -> list[ChildClass]:
    rows = await conn.execute(
        select(Class.id, Class.class_name)
        .join(Enrollment, Enrollment.class_id == Class.id)
        .where(Enrollment.student_id == student_id, Class.archived_at.is_(None))
        .order_by(Class.created_at, Class.id)
    )
    return [ChildClass(id=str(r.id), className=r.class_name) for r in rows]


class Guardians:
    def __init__(self, db: Database, events: EventSink) -> None:
        self.db = db
        self.events = events

    # --- administrators -------------------------------------------------------------------

    async def _account_of_role(
        self,
        conn: AsyncConnection,
        admin: Principal,
        user_id: uuid.UUID,
        role: str,
        missing: Callable[[], DomainError],
    ) -> None:
        """`user_id` is an account of `role` in the administrator's schools, else `missing`."""
        found = await conn.scalar(
            select(User.id).where(
                User.id == user_id,
                User.role == role,
                in_schools_of(User.school_id, admin.user_id),
            )
        )
        if found is None:
            raise missing()

    async def _guardian(self, conn: AsyncConnection, admin: Principal, raw: str) -> uuid.UUID:
        guardian_id = _id(raw, errors.user_not_found)
        await self._account_of_role(conn, admin, guardian_id, "guardian", errors.user_not_found)
        return guardian_id

    async def children_of(self, admin: Principal, raw_guardian: str) -> list[StudentView]:
        """The students a guardian of the administrator's schools is linked to, by name."""
        async with self.db.read() as conn:
            guardian_id = await self._guardian(conn, admin, raw_guardian)
            return await _children(conn, guardian_id)

    async def link(
        self, admin: Principal, raw_guardian: str, raw_student: str
    ) -> list[StudentView]:
        """Link a guardian to a student, both of the administrator's schools; linking twice
        is harmless. Answers the guardian's children."""
        student_id = _id(raw_student, errors.student_not_found)
        async with self.db.write() as conn:
            guardian_id = await self._guardian(conn, admin, raw_guardian)
            await self._account_of_role(
                conn, admin, student_id, "student", errors.student_not_found
            )
            await conn.execute(
                insert_ignoring_duplicates(conn, GuardianLink).values(
                    guardian_id=guardian_id, student_id=student_id, created_at=clock.now()
                )
            )
            children = await _children(conn, guardian_id)
        await self.events.publish(WardsChanged(guardian_id))
        return children

    async def unlink(
        self, admin: Principal, raw_guardian: str, raw_student: str
    ) -> list[StudentView]:
        """Undo a link; the guardian's open sockets stop hearing that student at once."""
        student_id = _id(raw_student, errors.student_not_found)
        async with self.db.write() as conn:
            guardian_id = await self._guardian(conn, admin, raw_guardian)
            removed = await conn.execute(
                delete(GuardianLink).where(
                    GuardianLink.guardian_id == guardian_id, GuardianLink.student_id == student_id
                )
            )
            if removed.rowcount != 1:
                raise errors.student_not_found()
            children = await _children(conn, guardian_id)
        await self.events.publish(WardsChanged(guardian_id, unlinked=student_id))
        return children

    # --- guardians ------------------------------------------------------------------------

    async def _child(self, conn: AsyncConnection, guardian: Principal, raw: str) -> uuid.UUID:
        student_id = _id(raw, errors.student_not_found)
        linked = await conn.scalar(
            select(GuardianLink.student_id).where(
                GuardianLink.guardian_id == guardian.user_id,
                GuardianLink.student_id == student_id,
            )
        )
        if linked is None:
            raise errors.student_not_found()
        return student_id

    async def children(self, guardian: Principal) -> list[ChildView]:
        """The guardian's children, by name, each with their classes, oldest first."""
        async with self.db.read() as conn:
            return [
                ChildView(**child, classes=await _classes_of(conn, uuid.UUID(child["id"])))
                for child in await _children(conn, guardian.user_id)
            ]

    async def attendance(self, guardian: Principal, raw_student: str) -> list[ChildStatus]:
        """A child's status in the latest finished roll call of each of their classes."""
        async with self.db.read() as conn:
            student_id = await self._child(conn, guardian, raw_student)
            statuses: list[ChildStatus] = []
            for entry in await _classes_of(conn, student_id):
                class_id = uuid.UUID(entry["id"])
                latest = (
                    await conn.execute(finished_statuses(class_id, student_id).limit(1))
                ).first()
                statuses.append(
                    ChildStatus(
                        classId=entry["id"],
                        className=entry["className"],
                        status=None if latest is None else latest.status,
                    )
                )
            return statuses

    async def history(
        self, guardian: Principal, raw_student: str, raw_class_id: str
    ) -> list[PastStatus]:
        """A child's status in each finished roll call of one of their classes, newest first."""
        class_id = access.class_id_from_path(raw_class_id)
        async with self.db.read() as conn:
            student_id = await self._child(conn, guardian, raw_student)
            enrolled = await conn.scalar(
                select(Enrollment.class_id).where(
                    Enrollment.class_id == class_id, Enrollment.student_id == student_id
                )
            )
            if enrolled is None:
                raise errors.class_not_found()
            rows = await conn.execute(finished_statuses(class_id, student_id))
            return [past_status(row) for row in rows]
