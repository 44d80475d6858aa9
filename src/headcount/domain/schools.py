"""Schools and districts (OneRoster's orgs). Every account and class belongs to a school; what
a caller may list or find is scoped to their schools, so another school is invisible, not
merely forbidden.

A user's schools are their own org and the orgs directly under it: a teacher's school, or a
district administrator's district and its schools.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from headcount.domain.views import SchoolView
from headcount.store.database import Database
from headcount.store.tables import Org, User

_Member = aliased(User)


def schools_of(user_id: Any) -> Select[uuid.UUID]:
    """The ids of the schools of `user_id` (a value or a bound parameter), as a subquery."""
    return (
        select(Org.id)
        .join(_Member, or_(Org.id == _Member.school_id, Org.parent_id == _Member.school_id))
        .where(_Member.id == user_id)
    )


def in_schools_of(column: Any, user_id: Any) -> ColumnElement[bool]:
    """`column` (a school id) is one of `user_id`'s schools."""
    found: ColumnElement[bool] = column.in_(schools_of(user_id))
    return found


def _school(row: Any) -> SchoolView:
    return SchoolView(
        id=str(row.id),
        name=row.name,
        type=row.type,
        parentId=None if row.parent_id is None else str(row.parent_id),
        sourcedId=row.sourced_id,
    )


class Schools:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def of(self, user_id: uuid.UUID) -> list[SchoolView]:
        query = (
            select(Org.id, Org.name, Org.type, Org.parent_id, Org.sourced_id)
            .where(Org.id.in_(schools_of(user_id)), Org.active)
            .order_by(Org.parent_id.is_not(None), Org.name, Org.id)
        )
        async with self.db.read() as conn:
            return [_school(row) for row in await conn.execute(query)]
