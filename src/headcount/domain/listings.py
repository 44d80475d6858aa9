"""What a caller may list: their classes (`GET /classes`) and the students of their schools
(`GET /students`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, func, select

from headcount import clock
from headcount.domain.directory import matching
from headcount.domain.inputs import StudentsQuery
from headcount.domain.schools import in_schools_of
from headcount.domain.views import ClassListing, SessionRef, StudentView
from headcount.security import Principal
from headcount.store.database import Database
from headcount.store.tables import AttendanceSession, Class, Enrollment, User

_STUDENT_COUNT = (
    select(func.count()).where(Enrollment.class_id == Class.id).correlate(Class).scalar_subquery()
)
_LISTING = select(
    Class.id,
    Class.class_name,
    Class.teacher_id,
    Class.archived_at,
    _STUDENT_COUNT.label("student_count"),
    AttendanceSession.id.label("session_id"),
    AttendanceSession.started_at,
).outerjoin(
    AttendanceSession,
    and_(AttendanceSession.class_id == Class.id, AttendanceSession.ended_at.is_(None)),
)


def _classes_of(who: Principal) -> Select[Any]:
    """A teacher's own classes, a student's enrolled ones, an administrator's schools'."""
    if who.role == "teacher":
        return _LISTING.where(Class.teacher_id == who.user_id)
    if who.role == "admin":
        return _LISTING.where(in_schools_of(Class.school_id, who.user_id))
    return _LISTING.join(
        Enrollment, and_(Enrollment.class_id == Class.id, Enrollment.student_id == who.user_id)
    )


def _listing(row: Any, with_archived: bool) -> ClassListing:
    listing: dict[str, Any] = {
        "id": str(row.id),
        "className": row.class_name,
        "teacherId": str(row.teacher_id),
        "studentCount": row.student_count,
        "activeSession": None
        if row.session_id is None
        else SessionRef(sessionId=str(row.session_id), startedAt=clock.iso(row.started_at)),
    }
    if with_archived:
        listing["archived"] = row.archived_at is not None
    return listing  # type: ignore[return-value]


class Listings:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def classes(self, who: Principal, archived: bool = False) -> list[ClassListing]:
        """The caller's classes, oldest first; archived ones only when asked for, and then
        each entry says whether it is archived."""
        statement = _classes_of(who)
        if not archived:
            statement = statement.where(Class.archived_at.is_(None))
        async with self.db.read() as conn:
            rows = await conn.execute(statement.order_by(Class.created_at, Class.id))
            return [_listing(row, archived) for row in rows]

    async def students(self, who: Principal, query: StudentsQuery) -> list[StudentView]:
        """The active students of the caller's schools, oldest first."""
        statement = matching(
            select(User.id, User.name, User.email).where(
                User.role == "student", User.active, in_schools_of(User.school_id, who.user_id)
            ),
            query.q,
        )
        statement = statement.order_by(User.created_at, User.id).offset(query.offset)
        if query.limit is not None:
            statement = statement.limit(query.limit)
        async with self.db.read() as conn:
            return [
                StudentView(id=str(row.id), name=row.name, email=row.email)
                for row in await conn.execute(statement)
            ]
