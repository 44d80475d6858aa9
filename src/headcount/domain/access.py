"""Who may touch which class: existence (404) first, then ownership or enrolment (403)."""

from __future__ import annotations

import uuid

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncConnection

from headcount.domain import errors
from headcount.security import Principal
from headcount.store.tables import Class, Enrollment


def class_id_from_path(raw: str) -> uuid.UUID:
    """A path id that is not a UUID cannot name a class."""
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise errors.class_not_found() from None


async def is_enrolled(conn: AsyncConnection, class_id: uuid.UUID, student_id: uuid.UUID) -> bool:
    query = select(
        exists().where(Enrollment.class_id == class_id, Enrollment.student_id == student_id)
    )
    return bool(await conn.scalar(query))


async def teacher_of(conn: AsyncConnection, class_id: uuid.UUID) -> uuid.UUID:
    teacher_id = await conn.scalar(select(Class.teacher_id).where(Class.id == class_id))
    if teacher_id is None:
        raise errors.class_not_found()
    return teacher_id


async def require_owner(conn: AsyncConnection, who: Principal, class_id: uuid.UUID) -> None:
    if await teacher_of(conn, class_id) != who.user_id:
        raise errors.not_class_teacher()


async def require_enrolled(conn: AsyncConnection, who: Principal, class_id: uuid.UUID) -> None:
    await teacher_of(conn, class_id)
    if not await is_enrolled(conn, class_id, who.user_id):
        raise errors.not_enrolled()


async def require_live_access(conn: AsyncConnection, who: Principal, class_id: uuid.UUID) -> None:
    """Live events name a class: its teacher's or an enrolled student's. Any other class,
    existing or not, is simply not theirs (SPEC §5 has no `Class not found`)."""
    teacher_id = await conn.scalar(select(Class.teacher_id).where(Class.id == class_id))
    if who.role == "teacher":
        if teacher_id != who.user_id:
            raise errors.not_class_teacher()
    elif teacher_id is None or not await is_enrolled(conn, class_id, who.user_id):
        raise errors.not_enrolled()
