"""Classes and their rosters."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from headcount import clock
from headcount.domain import access, errors
from headcount.domain.access import ClassFacts, Need
from headcount.domain.accounts import Accounts
from headcount.domain.events import AudienceJoined, EventSink
from headcount.domain.inputs import StudentsQuery
from headcount.domain.views import (
    ClassDetail,
    ClassListing,
    ClassView,
    SessionRef,
    StudentView,
    UserView,
)
from headcount.security import Principal
from headcount.store.database import Database
from headcount.store.tables import AttendanceSession, Class, Enrollment, User
from headcount.store.upsert import insert_ignoring_duplicates

ROSTER_ORDER = (Enrollment.enrolled_at, Enrollment.student_id)
# A class and its roster's ids in one round trip (one row with no student for an empty class);
# built once, so SQLAlchemy finds its compiled form without rebuilding the statement.
_DETAIL = (
    select(Class.class_name, Class.teacher_id, Enrollment.student_id)
    .outerjoin(Enrollment, Enrollment.class_id == Class.id)
    .where(Class.id == bindparam("class_id"))
    .order_by(*ROSTER_ORDER)
)


def _student(row: Any) -> StudentView:
    return StudentView(id=str(row.id), name=row.name, email=row.email)


def _student_of(view: UserView) -> StudentView:
    return StudentView(id=view["id"], name=view["name"], email=view["email"])


def _class_row(class_id: uuid.UUID) -> Select[str, uuid.UUID]:
    return select(Class.class_name, Class.teacher_id).where(Class.id == class_id)


def roster_query(class_id: uuid.UUID) -> Select[uuid.UUID, str, str]:
    """The enrolled students of a class, in enrolment order."""
    return (
        select(User.id, User.name, User.email)
        .join(Enrollment, Enrollment.student_id == User.id)
        .where(Enrollment.class_id == class_id)
        .order_by(*ROSTER_ORDER)
    )


async def _student_ids(conn: AsyncConnection, class_id: uuid.UUID) -> list[str]:
    query = select(Enrollment.student_id).where(Enrollment.class_id == class_id)
    return [str(student_id) for student_id in await conn.scalars(query.order_by(*ROSTER_ORDER))]


class Classes:
    def __init__(self, db: Database, events: EventSink, accounts: Accounts) -> None:
        self.db = db
        self.events = events
        self.accounts = accounts

    async def create(self, teacher: Principal, class_name: str) -> ClassView:
        class_id = uuid.uuid4()
        async with self.db.write() as conn:
            await conn.execute(
                insert(Class).values(
                    id=class_id,
                    class_name=class_name,
                    teacher_id=teacher.user_id,
                    created_at=clock.now(),
                )
            )
        await self.events.publish(AudienceJoined(class_id, teacher.user_id))
        return ClassView(
            id=str(class_id), className=class_name, teacherId=str(teacher.user_id), studentIds=[]
        )

    async def add_student(
        self, teacher: Principal, raw_class_id: str, student_id: uuid.UUID
    ) -> ClassView:
        class_id = access.class_id_from_path(raw_class_id)
        async with self.db.write() as conn:
            row = (await conn.execute(_class_row(class_id))).first()
            facts = None if row is None else ClassFacts(row.teacher_id, enrolled=False)
            access.check(teacher, facts, Need.MANAGE)
            assert row is not None
            role = await conn.scalar(select(User.role).where(User.id == student_id))
            if role != "student":
                raise errors.student_not_found()
            added = await conn.execute(
                insert_ignoring_duplicates(conn, Enrollment).values(
                    class_id=class_id, student_id=student_id, enrolled_at=clock.now()
                )
            )
            student_ids = await _student_ids(conn, class_id)
        if added.rowcount:
            await self.events.publish(AudienceJoined(class_id, student_id))
        return ClassView(
            id=str(class_id),
            className=row.class_name,
            teacherId=str(row.teacher_id),
            studentIds=student_ids,
        )

    async def detail(self, who: Principal, raw_class_id: str) -> ClassDetail:
        class_id = access.class_id_from_path(raw_class_id)
        rows = await self.db.fetch(_DETAIL, class_id=class_id)
        if not rows:
            raise errors.class_not_found()
        class_name, teacher_id = rows[0]["class_name"], rows[0]["teacher_id"]
        student_ids = [row["student_id"] for row in rows if row["student_id"] is not None]
        access.check(who, ClassFacts(teacher_id, who.user_id in student_ids), Need.MEMBER)
        views = await self.accounts.views(student_ids)
        return ClassDetail(
            id=str(class_id),
            className=class_name,
            teacherId=str(teacher_id),
            students=[_student_of(views[s]) for s in student_ids if s in views],
        )

    async def authorize_listener(self, who: Principal, class_id: uuid.UUID) -> None:
        async with self.db.read() as conn:
            await access.require(conn, who, class_id, Need.MEMBER, live=True)

    async def students(self, query: StudentsQuery) -> list[StudentView]:
        statement = select(User.id, User.name, User.email).where(User.role == "student")
        if query.q:
            needle = query.q.lower()
            statement = statement.where(
                or_(
                    func.lower(User.name).contains(needle, autoescape=True),
                    func.lower(User.email).contains(needle, autoescape=True),
                )
            )
        statement = statement.order_by(User.created_at, User.id).offset(query.offset)
        if query.limit is not None:
            statement = statement.limit(query.limit)
        async with self.db.read() as conn:
            return [_student(row) for row in await conn.execute(statement)]

    async def of(self, who: Principal) -> list[ClassListing]:
        """A teacher's own classes, or a student's enrolled ones, oldest first."""
        student_count = (
            select(func.count())
            .where(Enrollment.class_id == Class.id)
            .correlate(Class)
            .scalar_subquery()
        )
        statement = select(
            Class.id,
            Class.class_name,
            Class.teacher_id,
            student_count.label("student_count"),
            AttendanceSession.id.label("session_id"),
            AttendanceSession.started_at,
        ).outerjoin(
            AttendanceSession,
            and_(AttendanceSession.class_id == Class.id, AttendanceSession.ended_at.is_(None)),
        )
        if who.role == "teacher":
            statement = statement.where(Class.teacher_id == who.user_id)
        else:
            statement = statement.join(
                Enrollment,
                and_(Enrollment.class_id == Class.id, Enrollment.student_id == who.user_id),
            )
        async with self.db.read() as conn:
            rows = await conn.execute(statement.order_by(Class.created_at, Class.id))
            return [
                ClassListing(
                    id=str(row.id),
                    className=row.class_name,
                    teacherId=str(row.teacher_id),
                    studentCount=row.student_count,
                    activeSession=None
                    if row.session_id is None
                    else SessionRef(
                        sessionId=str(row.session_id), startedAt=clock.iso(row.started_at)
                    ),
                )
                for row in rows
            ]
