"""The /ws wire format (SPEC §5): event names, messages, and how domain events are spelled."""

from __future__ import annotations

from typing import Any

import orjson
from websockets.frames import Frame, Opcode

from headcount import clock
from headcount.domain.events import (
    Amended,
    ClassEvent,
    Finished,
    Marked,
    SessionOpened,
    Summarized,
)

ATTENDANCE_MARKED = "ATTENDANCE_MARKED"
ATTENDANCE_AMENDED = "ATTENDANCE_AMENDED"
TODAY_SUMMARY = "TODAY_SUMMARY"
MY_ATTENDANCE = "MY_ATTENDANCE"
DONE = "DONE"
SESSION_STATE = "SESSION_STATE"
SESSION_STARTED = "SESSION_STARTED"
CHECK_IN = "CHECK_IN"
CHECKIN_CODE = "CHECKIN_CODE"
ERROR = "ERROR"

DONE_MESSAGE = "Attendance persisted"
UNAUTHORIZED = "Unauthorized or invalid token"
INVALID_FORMAT = "Invalid message format"
UNKNOWN_EVENT = "Unknown event"
TOO_MANY_CONNECTIONS = "Too many connections"


def message(event: str, data: Any) -> str:
    return orjson.dumps({"event": event, "data": data}).decode()


def error(text: str) -> str:
    return message(ERROR, {"message": text})


def frame(text: str) -> bytes:
    """One unmasked server frame: the same bytes serve every recipient."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False)


def broadcast_message(event: ClassEvent) -> str:
    """The message a class event becomes on /ws."""
    match event:
        case Marked(class_id, student_id, status):
            data = {"classId": str(class_id), "studentId": str(student_id), "status": status}
            return message(ATTENDANCE_MARKED, data)
        case Amended(class_id, session_id, student_id, status, previous):
            data = {
                "classId": str(class_id),
                "sessionId": str(session_id),
                "studentId": str(student_id),
                "status": status,
                "previousStatus": previous,
            }
            return message(ATTENDANCE_AMENDED, data)
        case Summarized(class_id, counts):
            return message(TODAY_SUMMARY, {"classId": str(class_id), **counts})
        case Finished(class_id, counts):
            return message(DONE, {"classId": str(class_id), "message": DONE_MESSAGE, **counts})
        case SessionOpened(class_id, session_id, started_at):
            data = {
                "classId": str(class_id),
                "sessionId": str(session_id),
                "startedAt": clock.iso(started_at),
            }
            return message(SESSION_STARTED, data)


def broadcast_frame(event: ClassEvent) -> bytes:
    """The /ws codec of the fan-out layer: one frame, written to every /ws listener."""
    return frame(broadcast_message(event))
