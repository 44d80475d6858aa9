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
from sqlalchemy import (
    CTE,
    Boolean,
    Exists,
    String,
    Uuid,
    bindparam,
    cast,
    exists,
    insert,
    or_,
    select,
)

from headcount import clock
from headcount.domain.live import LiveSession, active_sessions, live_session
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


_STUDENT = bindparam("student_id", type_=Uuid)
_STATUS, _SOURCE = bindparam("status", type_=String), bindparam("source", type_=String)
_MARKED_AT = bindparam("marked_at", type_=Timestamp)
_ACTOR, _OP = bindparam("actor_id", type_=Uuid), bindparam("op_id", type_=Uuid)


def _running() -> CTE:
    """The class's running session, if the caller may mark in it, held FOR SHARE."""
    return (
        active_sessions()
        .join(Class, Class.id == AttendanceSession.class_id)
        .where(
            AttendanceSession.class_id == bindparam("class_id", type_=Uuid),
            or_(Class.teacher_id == _ACTOR, bindparam("checks_in", type_=Boolean)),
        )
        .with_for_update(read=True, of=AttendanceSession)
        .cte("running")
    )


def _written(running: CTE, enrolled: Exists) -> CTE:
    """The mark, upserted where it wins, unless its opId was applied in the session."""
    replayed = exists().where(
        AttendanceEvent.session_id == running.c.id,
        AttendanceEvent.op_id == _OP,
        AttendanceEvent.applied,
    )
    values = select(running.c.id, running.c.class_id, _STUDENT, _STATUS, _MARKED_AT, _SOURCE)
    written: CTE = (
        upsert_mark("postgresql")
        .from_select(
            ["session_id", "class_id", "student_id", "status", "marked_at", "source"],
            values.where(enrolled, ~replayed),
        )
        .returning(Attendance.session_id)
        .cte("written")
    )
    return written


def _audit(running: CTE, enrolled: Exists, applied: Exists) -> CTE:
    """The mark's audit event, applied or not, if the student is in the class."""
    columns = ("session_id", "student_id", "status", "actor_id", "source", "marked_at")
    event = select(running.c.id, _STUDENT, _STATUS, _ACTOR, _SOURCE, _MARKED_AT).add_columns(
        bindparam("now", type_=Timestamp), applied, _OP
    )
    return (
        insert(AttendanceEvent)
        .from_select([*columns, "received_at", "applied", "op_id"], event.where(enrolled))
        .cte("audit")
    )


def _statement() -> AnySelect:
    running = _running()
    enrolled = exists().where(
        Enrollment.class_id == running.c.class_id, Enrollment.student_id == _STUDENT
    )
    written = _written(running, enrolled)
    applied = exists(select(written.c.session_id))
    # The webhook's body with the session's id where the stand-in was (see `record`).
    payload = (
        bindparam("head", type_=String)
        + cast(running.c.id, String)
        + bindparam("tail", type_=String)
    )
    announced = for_endpoints("attendance.marked", payload, applied).cte("announced")
    return select(running, enrolled.label("enrolled"), applied.label("applied")).add_cte(
        _audit(running, enrolled, applied), announced
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
    session = live_session(row)
    if row["applied"]:
        return session, Outcome(True, mark.status, moment)
    (now_stored,) = await db.fetch(STORED_MARK, session_id=session.id, student_id=mark.student_id)
    return session, Outcome(False, now_stored["status"], clock.as_utc(now_stored["marked_at"]))
