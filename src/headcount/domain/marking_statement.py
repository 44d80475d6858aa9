"""A mark in one round trip on PostgreSQL, by the rules of `marking` (SPEC §8).

One statement is its own transaction. It finds the class's running session and holds it FOR
SHARE, so a concurrent `DONE` (which updates that row) either waits for the mark or makes it
find no session: no mark lands in a closed roll call. It checks that the caller may mark
there and that the student is enrolled, writes the mark where `marking.wins` (weighed in the
upsert against what is stored at that moment, so marks of one session need not take turns),
audits it, and puts `attendance.marked` in the outbox if it was applied. Anything else (no
session, another's class, a student not enrolled, an administrator, an opId replayed while
its twin commits) answers None, and the caller takes `marking.record`'s transactional path,
which finds the contract's refusal or applies the mark.
"""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
from sqlalchemy import Boolean, String, Uuid, bindparam, cast, exists, insert, or_, select

from headcount import clock
from headcount.domain.live import LiveSession
from headcount.domain.marking import (
    CHECK_IN,
    STORED_MARK,
    Mark,
    Outcome,
    marked_data,
    moment_of,
    upsert_mark,
)
from headcount.domain.outbox import body, for_endpoints
from headcount.security import Principal
from headcount.store.database import AnySelect, Database
from headcount.store.tables import (
    Attendance,
    AttendanceEvent,
    AttendanceSession,
    Class,
    Enrollment,
    Timestamp,
)

# Stands for the session's id in the webhook's body until the statement knows it.
_SESSION_ID = uuid.UUID(int=0)


def _statement() -> AnySelect:
    student_id = bindparam("student_id", type_=Uuid)
    marked_at = bindparam("marked_at", type_=Timestamp)
    status, source = bindparam("status", type_=String), bindparam("source", type_=String)
    running = (
        select(
            AttendanceSession.id,
            AttendanceSession.class_id,
            AttendanceSession.started_at,
            AttendanceSession.checkin_secret,
            AttendanceSession.checkin_open,
            AttendanceSession.late_after_minutes,
        )
        .join(Class, Class.id == AttendanceSession.class_id)
        .where(
            AttendanceSession.class_id == bindparam("class_id", type_=Uuid),
            AttendanceSession.ended_at.is_(None),
            or_(
                Class.teacher_id == bindparam("actor_id", type_=Uuid),
                bindparam("checks_in", type_=Boolean),
            ),
        )
        .with_for_update(read=True, of=AttendanceSession)
        .cte("running")
    )
    enrolled = exists().where(
        Enrollment.class_id == running.c.class_id, Enrollment.student_id == student_id
    )
    replayed = exists().where(
        AttendanceEvent.session_id == running.c.id,
        AttendanceEvent.op_id == bindparam("op_id", type_=Uuid),
        AttendanceEvent.applied,
    )
    written = (
        upsert_mark("postgresql")
        .from_select(
            ["session_id", "class_id", "student_id", "status", "marked_at", "source"],
            select(running.c.id, running.c.class_id, student_id, status, marked_at, source).where(
                enrolled, ~replayed
            ),
        )
        .returning(Attendance.session_id)
        .cte("written")
    )
    applied = exists(select(written.c.session_id))
    audit_columns = (
        "session_id",
        "student_id",
        "status",
        "actor_id",
        "source",
        "marked_at",
        "received_at",
        "applied",
        "op_id",
    )
    audited = select(
        running.c.id,
        student_id,
        status,
        bindparam("actor_id", type_=Uuid),
        source,
        marked_at,
        bindparam("now", type_=Timestamp),
        applied,
        bindparam("op_id", type_=Uuid),
    ).where(enrolled)
    audit = insert(AttendanceEvent).from_select(audit_columns, audited).cte("audit")
    payload = (
        bindparam("head", type_=String)
        + cast(running.c.id, String)
        + bindparam("tail", type_=String)
    )
    announced = for_endpoints("attendance.marked", payload, applied).cte("announced")
    return select(running, enrolled.label("enrolled"), applied.label("applied")).add_cte(
        audit, announced
    )


_MARK = _statement()


async def record(
    db: Database, who: Principal, class_id: uuid.UUID, mark: Mark
) -> tuple[LiveSession, Outcome] | None:
    """The session and the outcome of `mark` in `class_id`'s running roll call, or None when
    the transactional path must decide."""
    checks_in = who.role == "student" and mark.source == CHECK_IN
    if who.role != "teacher" and not (checks_in and mark.student_id == who.user_id):
        return None
    received, moment = moment_of(mark)
    webhook = body(
        "attendance.marked",
        marked_data(class_id, _SESSION_ID, mark, Outcome(True, mark.status, moment)),
        received,
    )
    head, tail = webhook.split(str(_SESSION_ID))
    params: dict[str, Any] = {
        "class_id": class_id,
        "actor_id": mark.actor_id,
        "checks_in": checks_in,
        "student_id": mark.student_id,
        "status": mark.status,
        "source": mark.source,
        "marked_at": moment,
        "now": received,
        "op_id": mark.op_id,
        "head": head,
        "tail": tail,
    }
    try:
        rows = await db.fetch(_MARK, **params)
    except asyncpg.UniqueViolationError:
        return None  # the same opId, applied by a twin since this statement began
    if not rows or not rows[0]["enrolled"]:
        return None
    row = rows[0]
    session = LiveSession(
        row["id"],
        row["class_id"],
        clock.as_utc(row["started_at"]),
        row["checkin_secret"],
        row["checkin_open"],
        row["late_after_minutes"],
    )
    if row["applied"]:
        return session, Outcome(True, mark.status, moment)
    (now_stored,) = await db.fetch(STORED_MARK, session_id=session.id, student_id=mark.student_id)
    return session, Outcome(False, now_stored["status"], clock.as_utc(now_stored["marked_at"]))
