"""Who hears a class's live events, and which of them (SPEC §5).

A class's teacher hears everything. A student hears the class-wide news (a session starting,
summaries, `DONE`) and, by default, only the marks and corrections about themselves, as
`SESSION_STATE` already shows a student only their own status; `LIVE_MARKS=class` restores
the seed's broadcast of every mark to the whole class.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import and_, select

from headcount.domain.events import Amended, ClassEvent, Marked
from headcount.domain.schools import in_schools_of
from headcount.security import Principal, Role
from headcount.store.database import Database
from headcount.store.tables import Class, Enrollment, User

LiveMarks = Literal["own", "class"]


@dataclass(frozen=True, slots=True)
class Reach:
    """How far one class event may travel: `subject` is the student it is about (if any), and
    a `private` event reaches, among students, only that one."""

    subject: uuid.UUID | None
    private: bool


EVERYONE = Reach(None, False)


def reach(event: ClassEvent, live_marks: LiveMarks) -> Reach:
    if isinstance(event, Marked | Amended):
        return Reach(event.student_id, live_marks == "own")
    return EVERYONE


@dataclass(frozen=True, slots=True)
class Viewer:
    """A connected user, as far as hearing goes."""

    user_id: uuid.UUID
    role: Role

    @classmethod
    def of(cls, who: Principal) -> Viewer:
        return cls(who.user_id, who.role)

    def hears(self, reach: Reach) -> bool:
        """A class's staff hear everything; a student what reaches all students, or them."""
        if self.role == "student":
            return not reach.private or reach.subject == self.user_id
        return True


@dataclass(frozen=True, slots=True)
class Hearing:
    """What a connecting user hears: the classes, and as whom."""

    viewer: Viewer
    class_ids: frozenset[uuid.UUID]


async def hearing_of(db: Database, who: Principal) -> Hearing | None:
    """The classes whose broadcasts reach `who` (taught by a teacher, enrolled in by a
    student), or None when the account no longer exists: one query for both."""
    if who.role == "teacher":
        query = select(User.id, Class.id).outerjoin(Class, Class.teacher_id == User.id)
    elif who.role == "admin":
        query = select(User.id, Class.id).outerjoin(
            Class, and_(in_schools_of(Class.school_id, User.id), Class.archived_at.is_(None))
        )
    else:
        query = select(User.id, Enrollment.class_id).outerjoin(
            Enrollment, Enrollment.student_id == User.id
        )
    async with db.read() as conn:
        rows = (await conn.execute(query.where(User.id == who.user_id))).all()
    if not rows:
        return None
    class_ids = frozenset(class_id for _, class_id in rows if class_id is not None)
    return Hearing(Viewer.of(who), class_ids)
