"""The outbox: every event for the world outside is a row written in the transaction of the
change it reports, so none is lost and none is told of a change that did not commit
(docs/notify.md §2). `enqueue` is the one way in."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

import orjson
from sqlalchemy import bindparam, insert, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from headcount import clock
from headcount.store.tables import Class, Org, OutboxMessage, Timestamp, WebhookEndpoint

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

_SCHOOL = select(Class.school_id).where(Class.id == bindparam("class_id")).scalar_subquery()
_DISTRICT = select(Org.parent_id).where(Org.id == _SCHOOL).scalar_subquery()


def body(event_type: EventType, data: dict[str, Any], at: datetime) -> str:
    """The JSON sent, Standard Webhooks' shape: `{type, timestamp, data}`."""
    payload = {"type": event_type, "timestamp": clock.iso(at), "data": data}
    return orjson.dumps(payload).decode()


async def enqueue(
    conn: AsyncConnection, class_id: uuid.UUID, event_type: EventType, data: dict[str, Any]
) -> None:
    """One outbox row per active endpoint of the class's school (or its district) that wants
    `event_type`: a single INSERT … SELECT, in the caller's transaction."""
    now = clock.now()
    wanted = select(
        WebhookEndpoint.id,
        literal(event_type),
        literal(body(event_type, data, now)),
        literal(now, Timestamp),
        literal(now, Timestamp),
    ).where(
        WebhookEndpoint.active,
        WebhookEndpoint.events.contains(f",{event_type},"),
        or_(WebhookEndpoint.school_id == _SCHOOL, WebhookEndpoint.school_id == _DISTRICT),
    )
    statement = insert(OutboxMessage).from_select(
        ["endpoint_id", "event_type", "payload", "created_at", "due_at"], wanted
    )
    await conn.execute(statement, {"class_id": class_id})
