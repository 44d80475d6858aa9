"""realtime/protocol.py: how each class event is spelled on /ws, byte for byte (SPEC §5)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from headcount.domain.events import Finished, Marked, SessionOpened, Summarized
from headcount.realtime import protocol

CLASS = uuid.UUID("00000000-0000-4000-8000-000000000001")
STUDENT = uuid.UUID("00000000-0000-4000-8000-000000000002")
SESSION = uuid.UUID("00000000-0000-4000-8000-000000000003")
COUNTS = {"present": 1, "absent": 2, "late": 3, "excused": 4, "total": 10}


def test_a_mark_is_attendance_marked() -> None:
    text = protocol.broadcast_message(Marked(CLASS, STUDENT, "late"))
    assert json.loads(text) == {
        "event": "ATTENDANCE_MARKED",
        "data": {"classId": str(CLASS), "studentId": str(STUDENT), "status": "late"},
    }


def test_a_summary_and_done_carry_every_count() -> None:
    summary = json.loads(protocol.broadcast_message(Summarized(CLASS, COUNTS)))  # type: ignore[arg-type]
    assert summary == {"event": "TODAY_SUMMARY", "data": {"classId": str(CLASS), **COUNTS}}
    done = json.loads(protocol.broadcast_message(Finished(CLASS, COUNTS)))  # type: ignore[arg-type]
    assert done == {
        "event": "DONE",
        "data": {"classId": str(CLASS), "message": "Attendance persisted", **COUNTS},
    }


def test_a_session_start_is_session_started_with_javascript_s_time() -> None:
    started = datetime(2025, 3, 11, 10, 0, 0, 123000, tzinfo=UTC)
    text = protocol.broadcast_message(SessionOpened(CLASS, SESSION, started))
    assert json.loads(text) == {
        "event": "SESSION_STARTED",
        "data": {
            "classId": str(CLASS),
            "sessionId": str(SESSION),
            "startedAt": "2025-03-11T10:00:00.123Z",
        },
    }


def test_a_broadcast_frame_is_one_unmasked_text_frame_of_that_message() -> None:
    event = Marked(CLASS, STUDENT, "present")
    raw = protocol.broadcast_frame(event)
    assert raw[0] == 0x81  # FIN and the text opcode
    assert raw[1] & 0x80 == 0  # not masked: the same bytes serve every recipient
    assert raw.endswith(protocol.broadcast_message(event).encode())


def test_errors_and_replies_use_the_same_envelope() -> None:
    assert json.loads(protocol.error("No active attendance session")) == {
        "event": "ERROR",
        "data": {"message": "No active attendance session"},
    }
    assert json.loads(protocol.message("MY_ATTENDANCE", {"status": "late"})) == {
        "event": "MY_ATTENDANCE",
        "data": {"status": "late"},
    }
