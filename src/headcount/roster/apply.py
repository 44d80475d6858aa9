"""A checked roster written in the caller's transaction: each record created, updated or
archived by its sourcedId, and nothing touched that did not change. Problems that need the
database (a school that is not the caller's, an e-mail another account holds) are collected
before the first write, so a bad file writes nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from headcount import clock
from headcount.domain.events import (
    AccessRevoked,
    AccountChanged,
    AudienceJoined,
    AudienceLeft,
    ClassChanged,
    Event,
)
from headcount.roster.existing import Existing
from headcount.roster.problems import Problems
from headcount.roster.records import Roster
from headcount.roster.report import Report
from headcount.store.tables import Class, Org, User

NOT_YOURS = "not one of your schools"


@dataclass
class Plan:
    """Rows to write, by statement, and what to announce once they are committed."""

    scope: set[uuid.UUID] | None
    report: Report
    problems: Problems
    org_ids: dict[str, uuid.UUID] = field(default_factory=dict)
    user_ids: dict[str, uuid.UUID] = field(default_factory=dict)
    class_ids: dict[str, uuid.UUID] = field(default_factory=dict)
    writes: list[tuple[Any, list[dict[str, Any]]]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def allowed(self, school_id: uuid.UUID) -> bool:
        return self.scope is None or school_id in self.scope

    def write(self, statement: Any, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.writes.append((statement, rows))


def _orgs(plan: Plan, roster: Roster, existing: Existing) -> None:
    now = clock.now()
    for sid, row in existing.orgs.items():
        plan.org_ids[sid] = row.id
    new = [o for o in roster.orgs if o.sourced_id not in existing.orgs]
    for org in new:
        plan.org_ids[org.sourced_id] = uuid.uuid4()
    inserted, changed = [], []
    for org in roster.orgs:
        parent_id = None if org.parent is None else plan.org_ids[org.parent]
        row = existing.orgs.get(org.sourced_id)
        values = {
            "name": org.name,
            "type": org.type,
            "parent_id": parent_id,
            "active": not org.deleted,
        }
        if row is None:
            # A new org is one of the caller's schools when its parent is.
            if plan.scope is not None:
                if parent_id is None or parent_id not in plan.scope:
                    plan.problems.add("orgs.csv", org.line, "parentSourcedId", NOT_YOURS)
                plan.scope.add(plan.org_ids[org.sourced_id])
            inserted.append(
                {
                    **values,
                    "id": plan.org_ids[org.sourced_id],
                    "sourced_id": org.sourced_id,
                    "created_at": now,
                }
            )
            plan.report.count("orgs", "created")
        elif not plan.allowed(row.id):
            plan.problems.add("orgs.csv", org.line, "sourcedId", NOT_YOURS)
        elif parent_id not in (row.parent_id, None) and not plan.allowed(parent_id):
            # Moving a school under another's district would hand it to that district.
            plan.problems.add("orgs.csv", org.line, "parentSourcedId", NOT_YOURS)
        elif all(getattr(row, key) == value for key, value in values.items()):
            plan.report.count("orgs", "unchanged")
        else:
            changed.append({**values, "b_id": row.id})
            plan.report.count("orgs", "archived" if org.deleted and row.active else "updated")
    # Parents first: a new org's parent may be on a later line.
    plan.write(insert(Org), [{**r, "parent_id": None} for r in inserted])
    plan.write(
        _by_id(Org, ("parent_id",)),
        [{"b_id": r["id"], "parent_id": r["parent_id"]} for r in inserted if r["parent_id"]],
    )
    plan.write(_by_id(Org, ("name", "type", "parent_id", "active")), changed)


def _by_id(table: Any, columns: tuple[str, ...]) -> Any:
    return (
        update(table)
        .where(table.id == bindparam("b_id"))
        .values(**{name: bindparam(name) for name in columns})
    )


def _users(plan: Plan, roster: Roster, existing: Existing) -> None:
    now = clock.now()
    for sid, row in existing.users_by_sid.items():
        if plan.allowed(row.school_id):  # others cannot be enrolled, linked or teach here
            plan.user_ids[sid] = row.id
    inserted, changed, ended = [], [], []
    for user in roster.users:
        if user.role is None:
            plan.report.count("users", "skipped")
            continue
        file, line = "users.csv", user.line
        row = existing.users_by_sid.get(user.sourced_id or "")
        holder = existing.users_by_email.get(user.email)
        if holder is not None and (row is None or holder.id != row.id):
            if row is not None or holder.sourced_id not in (None, user.sourced_id):
                plan.problems.add(file, line, "email", "another account has this e-mail")
                continue
            row = holder  # an account made before the import (a sign-up) is adopted
        school_id = plan.org_ids.get(user.org or "")
        if school_id is None or not plan.allowed(school_id):
            plan.problems.add(file, line, "orgSourcedIds", NOT_YOURS)
            continue
        active = user.enabled and not user.deleted
        values = {
            "name": user.name,
            "email": user.email,
            "school_id": school_id,
            "active": active,
            "sourced_id": user.sourced_id,
        }
        if row is None:
            if user.deleted:  # never imported, and gone already
                plan.report.count("users", "unchanged")
                continue
            user_id = uuid.uuid4()
            if user.sourced_id:
                plan.user_ids[user.sourced_id] = user_id
            inserted.append({**values, "id": user_id, "role": user.role, "created_at": now})
            plan.report.count("users", "created")
            continue
        if not plan.allowed(row.school_id):
            plan.problems.add(file, line, "sourcedId", NOT_YOURS)
            continue
        if user.sourced_id:
            plan.user_ids[user.sourced_id] = row.id
        if row.role != user.role:
            plan.problems.add(file, line, "role", f"the account is a {row.role}")
        elif all(getattr(row, key) == value for key, value in values.items()):
            plan.report.count("users", "unchanged")
        else:
            changed.append({**values, "b_id": row.id})
            if row.active and not active:
                ended.append({"b_id": row.id})
                plan.events.append(AccessRevoked(row.id))
                plan.report.count("users", "archived")
            else:
                plan.events.append(AccountChanged(row.id))
                plan.report.count("users", "updated")
    plan.write(insert(User), inserted)
    plan.write(_by_id(User, ("name", "email", "school_id", "active", "sourced_id")), changed)
    revoke = update(User).where(User.id == bindparam("b_id"))
    plan.write(revoke.values(token_generation=User.token_generation + 1, kept_token=None), ended)


def _teachers(roster: Roster, plan: Plan) -> dict[str, uuid.UUID]:
    """Each class's teacher from its teacher enrolments, a primary one first."""
    chosen: dict[str, tuple[bool, uuid.UUID]] = {}
    for enrolment in roster.enrolments:
        teacher_id = plan.user_ids.get(enrolment.user_sid)
        if enrolment.role != "teacher" or enrolment.deleted or teacher_id is None:
            continue
        held = chosen.get(enrolment.class_sid)
        if held is None or (enrolment.primary and not held[0]):
            chosen[enrolment.class_sid] = (enrolment.primary, teacher_id)
    return {sid: teacher_id for sid, (_, teacher_id) in chosen.items()}


def _classes(plan: Plan, roster: Roster, existing: Existing) -> None:
    now = clock.now()
    teachers = _teachers(roster, plan)
    for sid, row in existing.classes.items():
        if plan.allowed(row.school_id):
            plan.class_ids[sid] = row.id
    inserted, changed = [], []
    for klass in roster.classes:
        school_id = plan.org_ids.get(klass.school)
        row = existing.classes.get(klass.sourced_id)
        if (
            school_id is None
            or not plan.allowed(school_id)
            or (row is not None and not plan.allowed(row.school_id))
        ):
            plan.problems.add("classes.csv", klass.line, "schoolSourcedId", NOT_YOURS)
            continue
        if row is None and klass.deleted:  # never imported, and gone already
            plan.report.count("classes", "unchanged")
            continue
        teacher_id = teachers.get(klass.sourced_id, None if row is None else row.teacher_id)
        if teacher_id is None:
            plan.problems.add("classes.csv", klass.line, "sourcedId", "no teacher is enrolled")
            continue
        archived_at = (row.archived_at or now) if klass.deleted and row else None
        values = {
            "class_name": klass.title,
            "school_id": school_id,
            "teacher_id": teacher_id,
            "archived_at": archived_at,
        }
        if row is None:
            class_id = plan.class_ids[klass.sourced_id] = uuid.uuid4()
            inserted.append(
                {**values, "id": class_id, "sourced_id": klass.sourced_id, "created_at": now}
            )
            plan.events.append(AudienceJoined(class_id, teacher_id))
            plan.report.count("classes", "created")
        elif all(getattr(row, key) == value for key, value in values.items()):
            plan.report.count("classes", "unchanged")
        else:
            changed.append({**values, "b_id": row.id})
            plan.events.append(ClassChanged(row.id))
            if teacher_id != row.teacher_id:
                plan.events += [
                    AudienceLeft(row.id, row.teacher_id),
                    AudienceJoined(row.id, teacher_id),
                ]
            archived = klass.deleted and row.archived_at is None
            plan.report.count("classes", "archived" if archived else "updated")
    plan.write(insert(Class), inserted)
    plan.write(_by_id(Class, ("class_name", "school_id", "teacher_id", "archived_at")), changed)
    _handovers(plan, roster, existing, teachers)


def _handovers(
    plan: Plan, roster: Roster, existing: Existing, teachers: dict[str, uuid.UUID]
) -> None:
    """A delta may hand a class to another teacher with enrolments alone."""
    named = {klass.sourced_id for klass in roster.classes}
    handed = []
    for sid, teacher_id in teachers.items():
        row = existing.classes.get(sid)
        if sid in named or row is None or sid not in plan.class_ids:
            continue
        if row.teacher_id != teacher_id:
            handed.append({"b_id": row.id, "teacher_id": teacher_id})
            plan.events += [
                ClassChanged(row.id),
                AudienceLeft(row.id, row.teacher_id),
                AudienceJoined(row.id, teacher_id),
            ]
            plan.report.count("classes", "updated")
    plan.write(_by_id(Class, ("teacher_id",)), handed)


def plan_records(plan: Plan, roster: Roster, existing: Existing) -> None:
    _orgs(plan, roster, existing)
    _users(plan, roster, existing)
    _classes(plan, roster, existing)


async def run(conn: AsyncConnection, plan: Plan) -> None:
    for statement, rows in plan.writes:
        await conn.execute(statement, rows)
