"""Classes: created, read, renamed, archived and restored.

Archiving keeps every roll call and mark readable; an archived class is only left out of
`GET /classes` (unless asked for) and can start no roll call.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update

from headcount import clock
from headcount.domain import access, errors
from headcount.domain.access import ClassFacts, Need
from headcount.domain.accounts import Accounts
from headcount.domain.events import AudienceJoined, ClassChanged, EventSink
from headcount.domain.known_classes import ROSTER_ORDER, KnownClasses
from headcount.domain.management_inputs import ClassChangesInput
from headcount.domain.schools import in_schools_of
from headcount.domain.views import ClassDetail, ClassView, StudentView, UserView
from headcount.security import Principal
from headcount.store.database import Database
from headcount.store.tables import AttendanceSession, Class, Enrollment, Org, User

# Whether a school is one of a caller's, for a class not of the caller's own school (a
# district administrator's schools, or a class that moved away from the caller's school).
_IN_SCHOOLS = select(
    in_schools_of(
        bindparam("school_id", type_=Org.id.type), bindparam("who", type_=User.id.type)
    ).label("found")
)
_RUNNING = select(AttendanceSession.id).where(
    AttendanceSession.class_id == bindparam("class_id"), AttendanceSession.ended_at.is_(None)
)


def _entry(view: UserView, with_email: bool) -> StudentView:
    """A roster entry; a student reading their class sees classmates' names, not e-mails."""
    entry: dict[str, Any] = {"id": view["id"], "name": view["name"]}
    if with_email:
        entry["email"] = view["email"]
    return entry  # type: ignore[return-value]


class Classes:
    def __init__(
        self,
        db: Database,
        events: EventSink,
        accounts: Accounts,
        known: KnownClasses,
        classes_per_teacher: int,
    ) -> None:
        self.db = db
        self.events = events
        self.accounts = accounts
        self.known = known
        self.classes_per_teacher = classes_per_teacher

    async def create(self, teacher: Principal, class_name: str) -> ClassView:
        """A class of the teacher's school, up to `classes_per_teacher` of them."""
        account = await self.accounts.find(teacher.user_id)
        if account is None:
            raise errors.unauthorized()
        class_id = uuid.uuid4()
        async with self.db.write() as conn:
            # Concurrent creations by one teacher take turns on their row, so each counts
            # the classes the others made (PostgreSQL; SQLite's writes take turns anyway).
            await conn.execute(select(User.id).where(User.id == teacher.user_id).with_for_update())
            held = await conn.scalar(
                select(func.count()).where(
                    Class.teacher_id == teacher.user_id, Class.archived_at.is_(None)
                )
            )
            if (held or 0) >= self.classes_per_teacher:
                raise errors.too_many_classes()
            await conn.execute(
                insert(Class).values(
                    id=class_id,
                    class_name=class_name,
                    teacher_id=teacher.user_id,
                    school_id=account.school_id,
                    created_at=clock.now(),
                )
            )
        await self.events.publish(AudienceJoined(class_id, teacher.user_id))
        await self._reach_administrators(class_id)
        return ClassView(
            id=str(class_id), className=class_name, teacherId=str(teacher.user_id), studentIds=[]
        )

    async def detail(self, who: Principal, raw_class_id: str) -> ClassDetail:
        """The class and its roster, as this process remembers them; whether `who` may read
        it is decided afresh for each call."""
        class_id = access.class_id_from_path(raw_class_id)
        known = await self.known.get(class_id)
        if known is None:
            raise errors.class_not_found()
        facts = ClassFacts(
            known.teacher_id,
            enrolled=who.user_id in known.student_ids,
            in_callers_schools=await self._in_schools(who, known.school_id),
        )
        access.check(who, facts, Need.MEMBER)
        views = await self.accounts.views(known.student_ids)
        return ClassDetail(
            id=str(class_id),
            className=known.class_name,
            teacherId=str(known.teacher_id),
            students=[
                _entry(views[s], who.role != "student" or s == who.user_id)
                for s in known.student_ids
                if s in views
            ],
        )

    async def _in_schools(self, who: Principal, school_id: uuid.UUID) -> bool:
        """Whether a school is one of `who`'s: their own (as their account is remembered, and
        forgotten when it changes) needs no query; any other is asked of the database."""
        account = await self.accounts.find(who.user_id)
        if account is not None and account.school_id == school_id:
            return True
        rows = await self.db.fetch(_IN_SCHOOLS, school_id=school_id, who=who.user_id)
        return bool(rows[0]["found"])

    async def view(self, class_id: uuid.UUID) -> ClassView:
        """The class as `POST /class` answers it: its name, teacher and roster's ids."""
        async with self.db.read() as conn:
            row = (
                await conn.execute(
                    select(Class.class_name, Class.teacher_id).where(Class.id == class_id)
                )
            ).one()
            ids = await conn.scalars(
                select(Enrollment.student_id)
                .where(Enrollment.class_id == class_id)
                .order_by(*ROSTER_ORDER)
            )
            return ClassView(
                id=str(class_id),
                className=row.class_name,
                teacherId=str(row.teacher_id),
                studentIds=[str(student_id) for student_id in ids],
            )

    async def change(
        self, manager: Principal, raw_class_id: str, body: ClassChangesInput
    ) -> ClassView:
        """Rename a class, or bring an archived one back."""
        class_id = access.class_id_from_path(raw_class_id)
        values: dict[str, Any] = {}
        if body.className is not None:
            values["class_name"] = body.className
        if body.archived is False:
            values["archived_at"] = None
        async with self.db.write() as conn:
            await access.require(conn, manager, class_id, Need.MANAGE)
            if values:
                await conn.execute(update(Class).where(Class.id == class_id).values(**values))
        if values:
            await self.events.publish(ClassChanged(class_id))
        if body.archived is False:
            await self._reach_administrators(class_id)
        return await self.view(class_id)

    async def _reach_administrators(self, class_id: uuid.UUID) -> None:
        """The administrators of a class's school hear it from when it is made or restored
        (their hearing leaves archived classes out), even if they are connected already."""
        school = select(Class.school_id).where(Class.id == class_id).scalar_subquery()
        query = select(User.id).where(User.role == "admin", in_schools_of(school, User.id))
        async with self.db.read() as conn:
            admin_ids = list(await conn.scalars(query))
        for admin_id in admin_ids:
            await self.events.publish(AudienceJoined(class_id, admin_id))

    async def archive(self, manager: Principal, raw_class_id: str) -> ClassView:
        """Archive a class, unless a roll call is running in it."""
        class_id = access.class_id_from_path(raw_class_id)
        async with self.db.write() as conn:
            facts = await access.require(conn, manager, class_id, Need.MANAGE, exclusive=True)
            if await conn.scalar(_RUNNING, {"class_id": class_id}) is not None:
                raise errors.session_in_progress()
            if not facts.archived:
                await conn.execute(
                    update(Class).where(Class.id == class_id).values(archived_at=clock.now())
                )
        if not facts.archived:
            await self.events.publish(ClassChanged(class_id))
        return await self.view(class_id)

    async def authorize_listener(self, who: Principal, class_id: uuid.UUID) -> None:
        async with self.db.read() as conn:
            await access.require(conn, who, class_id, Need.MEMBER, live=True)
