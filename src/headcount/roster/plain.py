"""The plain CSV for small schools, `className,teacherEmail,studentName,studentEmail`: one line
per enrolment, into one school. Accounts are found by e-mail (made, without a password, when
new), classes by their teacher and name; nothing is ever removed, so importing the same
file twice changes nothing."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from headcount import clock
from headcount.domain.events import AudienceJoined
from headcount.roster.apply import Plan
from headcount.roster.columns import PLAIN
from headcount.roster.existing import rows_in
from headcount.roster.records import MAX_EMAIL, MAX_NAME
from headcount.roster.table import Line
from headcount.store.tables import Class, Enrollment, User

FILE = PLAIN.name


def check_lines(lines: list[Line], plan: Plan) -> None:
    """E-mails that look like e-mails, and no e-mail both a teacher's and a student's."""
    teachers = {line.values["teacherEmail"].lower() for line in lines}
    for line in lines:
        for column in ("teacherEmail", "studentEmail"):
            email = line.values[column]
            if "@" not in email or len(email) > MAX_EMAIL:
                plan.problems.add(FILE, line.number, column, "not an e-mail address")
        if line.values["studentEmail"].lower() in teachers:
            plan.problems.add(FILE, line.number, "studentEmail", "also a teacher's e-mail")


async def _accounts(
    conn: AsyncConnection, plan: Plan, lines: list[Line], school_id: uuid.UUID
) -> dict[str, uuid.UUID]:
    """Each e-mail's account, made when new; a problem when it is of another role or school."""
    wanted: dict[str, tuple[int, str, str, str]] = {}
    for line in lines:
        teacher, student = line.values["teacherEmail"].lower(), line.values["studentEmail"].lower()
        wanted.setdefault(teacher, (line.number, "teacherEmail", "teacher", teacher.split("@")[0]))
        wanted.setdefault(
            student, (line.number, "studentEmail", "student", line.values["studentName"])
        )
    columns = (User.id, User.email, User.role, User.school_id)
    found = {row.email: row for row in await rows_in(conn, columns, User.email, wanted)}
    ids: dict[str, uuid.UUID] = {}
    new: list[dict[str, Any]] = []
    for email, (number, column, role, name) in wanted.items():
        row = found.get(email)
        if row is None:
            ids[email] = uuid.uuid4()
            new.append(
                {
                    "id": ids[email],
                    "email": email,
                    "role": role,
                    "name": name[:MAX_NAME],
                    "school_id": school_id,
                    "created_at": clock.now(),
                }
            )
            plan.report.count("users", "created")
        elif row.role != role or not plan.allowed(row.school_id):
            plan.problems.add(FILE, number, column, f"not a {role} of your schools")
        else:
            ids[email] = row.id
            plan.report.count("users", "unchanged")
    plan.write(insert(User), new)
    return ids


async def plan_plain(
    conn: AsyncConnection, plan: Plan, lines: list[Line], school_id: uuid.UUID
) -> None:
    check_lines(lines, plan)
    if plan.problems:
        return
    ids = await _accounts(conn, plan, lines, school_id)
    if plan.problems:
        return
    teachers = {ids[line.values["teacherEmail"].lower()] for line in lines}
    query = select(Class.id, Class.teacher_id, Class.class_name).where(
        Class.teacher_id.in_(teachers), Class.archived_at.is_(None)
    )
    classes = {(r.teacher_id, r.class_name): r.id for r in await conn.execute(query)}
    named = {
        (ids[line.values["teacherEmail"].lower()], line.values["className"][:200]) for line in lines
    }
    plan.report.count("classes", "unchanged", len(named & classes.keys()))
    held = await rows_in(
        conn,
        (Enrollment.class_id, Enrollment.student_id),
        Enrollment.class_id,
        set(classes.values()),
    )
    pairs = {(row.class_id, row.student_id) for row in held}
    new_classes: list[dict[str, Any]] = []
    enrolled: list[dict[str, Any]] = []
    now = clock.now()
    for line in lines:
        teacher_id = ids[line.values["teacherEmail"].lower()]
        key = (teacher_id, line.values["className"][:200])
        if key not in classes:
            classes[key] = uuid.uuid4()
            new_classes.append(
                {
                    "id": classes[key],
                    "class_name": key[1],
                    "teacher_id": teacher_id,
                    "school_id": school_id,
                    "created_at": now,
                }
            )
            plan.events.append(AudienceJoined(classes[key], teacher_id))
            plan.report.count("classes", "created")
        pair = (classes[key], ids[line.values["studentEmail"].lower()])
        if pair in pairs:
            plan.report.count("enrollments", "unchanged")
            continue
        pairs.add(pair)
        enrolled.append({"class_id": pair[0], "student_id": pair[1], "enrolled_at": now})
        plan.events.append(AudienceJoined(*pair))
        plan.report.count("enrollments", "created")
    plan.write(insert(Class), new_classes)
    plan.write(insert(Enrollment), enrolled)
