"""Enrolments and guardians' links of a checked roster, planned after the accounts and
classes they name. A student enrolment starts or ends a student's hearing of the class;
teacher enrolments only choose the class's teacher (apply.py)."""

from __future__ import annotations

import uuid

from sqlalchemy import and_, bindparam, delete, insert, update

from headcount import clock
from headcount.domain.events import AudienceJoined, AudienceLeft
from headcount.roster.apply import Plan
from headcount.roster.existing import Existing
from headcount.roster.records import Roster
from headcount.store.tables import Enrollment, GuardianLink

FILE = "enrollments.csv"
_PAIR = and_(Enrollment.class_id == bindparam("c"), Enrollment.student_id == bindparam("s"))
_ENDED = delete(Enrollment).where(_PAIR)
_ADOPTED = update(Enrollment).where(_PAIR).values(sourced_id=bindparam("sid"))


def plan_enrolments(plan: Plan, roster: Roster, existing: Existing) -> None:
    now = clock.now()
    started: list[dict[str, object]] = []
    ended: list[dict[str, object]] = []
    adopted: list[dict[str, object]] = []
    for enrolment in roster.enrolments:
        if enrolment.role != "student":
            continue
        row = existing.enrolments.get(enrolment.sourced_id)
        if enrolment.deleted and row is None:  # never imported, and gone already
            plan.report.count("enrollments", "unchanged")
            continue
        class_id = plan.class_ids.get(enrolment.class_sid)
        student_id = plan.user_ids.get(enrolment.user_sid)
        if class_id is None or student_id is None:
            column = "classSourcedId" if class_id is None else "userSourcedId"
            plan.problems.add(FILE, enrolment.line, column, "not one of your schools")
            continue
        pair = (class_id, student_id)
        if row is not None and (row.class_id, row.student_id) != pair:
            # The same enrolment now names another class or student: end the old one.
            ended.append({"c": row.class_id, "s": row.student_id})
            plan.events.append(AudienceLeft(row.class_id, row.student_id))
            row = None
        if enrolment.deleted:
            if row is not None:
                ended.append({"c": class_id, "s": student_id})
                plan.events.append(AudienceLeft(class_id, student_id))
            plan.report.count("enrollments", "archived" if row else "unchanged")
        elif row is not None:
            plan.report.count("enrollments", "unchanged")
        elif pair in existing.pairs:
            adopted.append({"c": class_id, "s": student_id, "sid": enrolment.sourced_id})
            plan.report.count("enrollments", "updated")
        else:
            started.append(
                {
                    "class_id": class_id,
                    "student_id": student_id,
                    "enrolled_at": now,
                    "sourced_id": enrolment.sourced_id,
                }
            )
            plan.events.append(AudienceJoined(class_id, student_id))
            plan.report.count("enrollments", "created")
    if roster.bulk(FILE):
        listed = {e.sourced_id for e in roster.enrolments}
        for (class_id, student_id), sid in existing.pairs.items():
            if sid is not None and sid not in listed:
                ended.append({"c": class_id, "s": student_id})
                plan.events.append(AudienceLeft(class_id, student_id))
                plan.report.count("enrollments", "archived")
    plan.write(_ENDED, ended)
    plan.write(_ADOPTED, adopted)
    plan.write(insert(Enrollment), started)


def plan_links(plan: Plan, roster: Roster, existing: Existing) -> None:
    """A guardian's agentSourcedIds name their students, and a student's name guardians."""
    roles = {sid: row.role for sid, row in existing.users_by_sid.items()}
    roles |= {u.sourced_id: u.role for u in roster.users if u.sourced_id and u.role}
    wanted: set[tuple[uuid.UUID, uuid.UUID]] = set()
    for user in roster.users:
        if user.role not in ("guardian", "student") or not user.sourced_id or user.deleted:
            continue
        for agent in user.agents:
            pair = (user.sourced_id, agent) if user.role == "guardian" else (agent, user.sourced_id)
            guardian_id, student_id = plan.user_ids.get(pair[0]), plan.user_ids.get(pair[1])
            roles_match = roles.get(pair[0]) == "guardian" and roles.get(pair[1]) == "student"
            if roles_match and guardian_id is not None and student_id is not None:
                wanted.add((guardian_id, student_id))
    now = clock.now()
    new = [
        {"guardian_id": g, "student_id": s, "created_at": now}
        for g, s in sorted(wanted)
        if (g, s) not in existing.links
    ]
    plan.report.count("guardianLinks", "created", len(new))
    plan.report.count("guardianLinks", "unchanged", len(wanted) - len(new))
    plan.write(insert(GuardianLink), new)
