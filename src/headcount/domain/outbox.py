"""The outbox: every event for the world outside is a row written in the transaction of the
change it reports, so none is lost and none is told of a change that did not commit
(docs/notify.md §2). `enqueue` is the one way in."""

from __future__ import annotations

import uuid
from datetime import datetime
from functools import cache
from typing import Any, Literal

import orjson
from sqlalchemy import ColumnElement, String, and_, bindparam, insert, literal, or_, select, true
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased

from headcount import clock
from headcount.store.tables import (
    Attendance,
    Class,
    GuardianLink,
    Org,
    OutboxMessage,
    Timestamp,
    User,
    WebhookEndpoint,
)
from headcount.store.upsert import insert_ignoring_duplicates

EventType = Literal[
    "attendance.marked",
    "attendance.amended",
    "session.started",
    "session.finished",
    "student.absent",
]
EVENT_TYPES: tuple[EventType, ...] = (
    "attendance.marked",
    "attendance.amended",
    "session.started",
    "session.finished",
    "student.absent",
)

_Guardian = aliased(User)
_SCHOOL = select(Class.school_id).where(Class.id == bindparam("class_id")).scalar_subquery()
_DISTRICT = select(Org.parent_id).where(Org.id == _SCHOOL).scalar_subquery()


def body(event_type: EventType, data: dict[str, Any], at: datetime) -> str:
    """The JSON sent, Standard Webhooks' shape: `{type, timestamp, data}`."""
    payload = {"type": event_type, "timestamp": clock.iso(at), "data": data}
    return orjson.dumps(payload).decode()


def _wanting(event_type: EventType) -> ColumnElement[bool]:
    """Active endpoints of the class's school (the `class_id` parameter) or its district that
    want `event_type`."""
    return and_(
        WebhookEndpoint.active,
        WebhookEndpoint.events.contains(f",{event_type},"),
        or_(WebhookEndpoint.school_id == _SCHOOL, WebhookEndpoint.school_id == _DISTRICT),
    )


def for_endpoints(event_type: EventType, payload: Any, when: Any = None) -> Any:
    """The INSERT … SELECT of one outbox row per endpoint `_wanting` the event, with `payload`
    (a SQL expression) as the body, if `when` holds. Its parameters: `class_id`, and `now` for
    when it was made and is due."""
    now = bindparam("now", type_=Timestamp)
    wanted = select(WebhookEndpoint.id, literal(event_type), payload, now, now).where(
        _wanting(event_type), true() if when is None else when
    )
    return insert(OutboxMessage).from_select(
        ["endpoint_id", "event_type", "payload", "created_at", "due_at"], wanted
    )


@cache
def _enqueue(event_type: EventType) -> Any:
    return for_endpoints(event_type, bindparam("payload", type_=String))


@cache
def _endpoints(event_type: EventType) -> Any:
    return select(WebhookEndpoint.id).where(_wanting(event_type))


async def enqueue(
    conn: AsyncConnection, class_id: uuid.UUID, event_type: EventType, data: dict[str, Any]
) -> None:
    """`for_endpoints` with `data` as the event's data, in the caller's transaction: one
    round trip, whether or not an endpoint wants it."""
    now = clock.now()
    params = {"class_id": class_id, "now": now, "payload": body(event_type, data, now)}
    await conn.execute(_enqueue(event_type), params)


async def wanting(
    conn: AsyncConnection, class_id: uuid.UUID, event_type: EventType
) -> list[uuid.UUID]:
    """The endpoints that want `event_type` of the class: asked once before many events."""
    return list(await conn.scalars(_endpoints(event_type), {"class_id": class_id}))


async def enqueue_for(
    conn: AsyncConnection,
    endpoints: list[uuid.UUID],
    event_type: EventType,
    each: list[dict[str, Any]],
) -> None:
    """`enqueue` for each of `each` (a whole class's absences at `DONE`) to `endpoints`, from
    `wanting`, in multi-row INSERTs."""
    now = clock.now()
    rows = [
        {
            "endpoint_id": endpoint,
            "event_type": event_type,
            "payload": body(event_type, data, now),
            "created_at": now,
            "due_at": now,
        }
        for data in each
        for endpoint in endpoints
    ]
    if rows:
        await conn.execute(insert(OutboxMessage), rows)


async def enqueue_absence_mail(
    conn: AsyncConnection, class_id: uuid.UUID, session_id: uuid.UUID, day: str
) -> None:
    """An e-mail to each active guardian of each student `DONE` marked absent in
    `session_id`: one per guardian, student and day (`day` is YYYY-MM-DD), however many roll
    calls mark the student absent that day."""
    rows = await conn.execute(
        select(
            GuardianLink.guardian_id,
            GuardianLink.student_id,
            _Guardian.email,
            User.name,
            Class.class_name,
        )
        .join(Attendance, Attendance.student_id == GuardianLink.student_id)
        .join(_Guardian, _Guardian.id == GuardianLink.guardian_id)
        .join(User, User.id == GuardianLink.student_id)
        .join(Class, Class.id == Attendance.class_id)
        .where(
            Attendance.session_id == session_id,
            Attendance.source == "done",
            Attendance.status == "absent",
            _Guardian.active,
        )
    )
    now = clock.now()
    for guardian_id, student_id, email, student_name, class_name in rows.all():
        data = {
            "studentId": str(student_id),
            "studentName": student_name,
            "classId": str(class_id),
            "className": class_name,
            "day": day,
        }
        await conn.execute(
            insert_ignoring_duplicates(conn, OutboxMessage).values(
                recipient=email,
                dedupe_key=f"absent:{guardian_id}:{student_id}:{day}",
                event_type="student.absent",
                payload=body("student.absent", data, now),
                created_at=now,
                due_at=now,
            )
        )
