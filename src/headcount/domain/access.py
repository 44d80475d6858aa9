"""Who may touch which class, decided in one place.

`allows` is the rule; each caller only gathers the facts it needs, in whatever query it runs
anyway, and `check` turns the answer into the contract's refusals: existence first (404
`Class not found`), then the rule (403). Live events name classes too, but a socket cannot
tell a class that does not exist from one that is not theirs (SPEC §5 has no 404).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import Enum

from sqlalchemy import bindparam, exists, select
from sqlalchemy.ext.asyncio import AsyncConnection

from headcount.domain import errors
from headcount.domain.errors import DomainError
from headcount.domain.schools import in_schools_of
from headcount.security import Principal
from headcount.store.tables import Class, Enrollment


class Need(Enum):
    MANAGE = "manage"  # its teacher: rosters, roll calls, history
    ATTEND = "attend"  # an enrolled student: my attendance, check-in
    MEMBER = "member"  # either: reading the class, hearing it live


@dataclass(frozen=True, slots=True)
class ClassFacts:
    """What the rule needs to know of a class and the caller."""

    teacher_id: uuid.UUID
    enrolled: bool = False  # the caller is enrolled in it
    in_callers_schools: bool = False  # it belongs to one of the caller's schools
    archived: bool = False


def allows(who: Principal, facts: ClassFacts, need: Need) -> bool:
    """A class's teacher and its school's administrators manage it; enrolled students
    attend it; either is a member."""
    manages = (who.role == "teacher" and facts.teacher_id == who.user_id) or (
        who.role == "admin" and facts.in_callers_schools
    )
    attends = who.role == "student" and facts.enrolled
    if need is Need.MANAGE:
        return manages
    if need is Need.ATTEND:
        return attends
    return manages or attends


def refusal(who: Principal, need: Need, *, live: bool = False) -> DomainError:
    if need is Need.ATTEND or (live and who.role == "student"):
        return errors.not_enrolled()
    return errors.not_class_teacher()


def check(
    who: Principal, facts: ClassFacts | None, need: Need, *, live: bool = False
) -> ClassFacts:
    """`facts` if the caller may do what `need` says, else the contract's refusal. Another
    school's class answers as if it did not exist."""
    if (facts is None or not facts.in_callers_schools) and not live:
        raise errors.class_not_found()
    if facts is None or not allows(who, facts, need):
        raise refusal(who, need, live=live)
    return facts


def class_id_from_path(raw: str) -> uuid.UUID:
    """A path id that is not a UUID cannot name a class."""
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise errors.class_not_found() from None


# What the rule needs, in one round trip. Built once.
_FACTS = select(
    Class.teacher_id,
    exists()
    .where(Enrollment.class_id == Class.id, Enrollment.student_id == bindparam("who"))
    .label("enrolled"),
    in_schools_of(Class.school_id, bindparam("who")).label("in_callers_schools"),
    Class.archived_at.is_not(None).label("archived"),
).where(Class.id == bindparam("class_id"))


# The same, holding the class row until the transaction ends: shared by those that may run
# side by side (starting roll calls), exclusive for archiving, so a roll call cannot start in
# a class being archived (it waits, then reads it archived), nor the other way round.
_FACTS_HELD = _FACTS.with_for_update(read=True, of=Class)
_FACTS_EXCLUSIVE = _FACTS.with_for_update(of=Class)


async def facts_of(
    conn: AsyncConnection,
    who: Principal,
    class_id: uuid.UUID,
    *,
    hold: bool = False,
    exclusive: bool = False,
) -> ClassFacts | None:
    statement = _FACTS_EXCLUSIVE if exclusive else _FACTS_HELD if hold else _FACTS
    row = (await conn.execute(statement, {"class_id": class_id, "who": who.user_id})).first()
    if row is None:
        return None
    return ClassFacts(
        row.teacher_id, bool(row.enrolled), bool(row.in_callers_schools), bool(row.archived)
    )


async def require(
    conn: AsyncConnection,
    who: Principal,
    class_id: uuid.UUID,
    need: Need,
    *,
    live: bool = False,
    hold: bool = False,
    exclusive: bool = False,
) -> ClassFacts:
    facts = await facts_of(conn, who, class_id, hold=hold, exclusive=exclusive)
    return check(who, facts, need, live=live)
