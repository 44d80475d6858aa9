"""What the database already holds of the records a roster names, read in a few queries."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from headcount.roster.checks import Known
from headcount.roster.records import Roster
from headcount.store.tables import Class, Enrollment, GuardianLink, Org, User

CHUNK = 5000  # ids per IN (…): well under both backends' limits on parameters


async def rows_in(
    conn: AsyncConnection, columns: Any, key: Any, values: Collection[Any]
) -> list[Any]:
    found: list[Any] = []
    ordered = list(values)
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        found += (await conn.execute(select(*columns).where(key.in_(chunk)))).all()
    return found


@dataclass
class Existing:
    orgs: dict[str, Any]
    users_by_sid: dict[str, Any]
    users_by_email: dict[str, Any]
    classes: dict[str, Any]
    enrolments: dict[str, Any]
    pairs: dict[tuple[uuid.UUID, uuid.UUID], str | None]  # enrolments of the classes named
    links: set[tuple[uuid.UUID, uuid.UUID]]

    def known(self) -> Known:
        return Known(
            orgs=set(self.orgs),
            users={sid: row.role for sid, row in self.users_by_sid.items()},
            classes=set(self.classes),
        )


_USER = (User.id, User.sourced_id, User.email, User.name, User.role, User.school_id, User.active)
_CLASS = (
    Class.id,
    Class.sourced_id,
    Class.class_name,
    Class.school_id,
    Class.teacher_id,
    Class.archived_at,
)


async def load(conn: AsyncConnection, roster: Roster) -> Existing:
    org_sids = {o.sourced_id for o in roster.orgs} | {o.parent for o in roster.orgs if o.parent}
    org_sids |= {u.org for u in roster.users if u.org} | {c.school for c in roster.classes}
    user_sids = {u.sourced_id for u in roster.users if u.sourced_id}
    user_sids |= {e.user_sid for e in roster.enrolments}
    user_sids |= {agent for u in roster.users for agent in u.agents}
    class_sids = {c.sourced_id for c in roster.classes} | {e.class_sid for e in roster.enrolments}
    orgs = await rows_in(
        conn,
        (Org.id, Org.sourced_id, Org.name, Org.type, Org.parent_id, Org.active),
        Org.sourced_id,
        org_sids,
    )
    users = await rows_in(conn, _USER, User.sourced_id, user_sids)
    by_email = await rows_in(conn, _USER, User.email, {u.email for u in roster.users if u.email})
    classes = await rows_in(conn, _CLASS, Class.sourced_id, class_sids)
    enrolment_cols = (Enrollment.class_id, Enrollment.student_id, Enrollment.sourced_id)
    enrolments = await rows_in(
        conn, enrolment_cols, Enrollment.sourced_id, {e.sourced_id for e in roster.enrolments}
    )
    pairs = await rows_in(conn, enrolment_cols, Enrollment.class_id, {c.id for c in classes})
    guardian_ids = {u.id for u in users} | {u.id for u in by_email}
    links = await rows_in(
        conn,
        (GuardianLink.guardian_id, GuardianLink.student_id),
        GuardianLink.guardian_id,
        guardian_ids,
    )
    return Existing(
        orgs={row.sourced_id: row for row in orgs},
        users_by_sid={row.sourced_id: row for row in users},
        users_by_email={row.email: row for row in by_email},
        classes={row.sourced_id: row for row in classes},
        enrolments={row.sourced_id: row for row in enrolments},
        pairs={(row.class_id, row.student_id): row.sourced_id for row in pairs},
        links={(row.guardian_id, row.student_id) for row in links},
    )
