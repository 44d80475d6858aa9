"""Hypothesis properties of /ws message handling against a real server (SPEC §5).

Whatever a connected teacher or student sends — any text or bytes, any JSON value, any object
with any `event` and `data` — the server answers with exactly one message: `ERROR` with one of
the contract's messages, or a reply the contract allows for that role. It never closes the
connection, and after the fuzzing the same connection still answers a valid event.

The properties use the synchronous websockets client so Hypothesis can drive them; the
connection is replaced every `PER_CONNECTION` messages to stay under the 50 messages a second
a connection may send, and frames stay well under the 64 KiB limit.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.fuzz.profile import fuzz_settings
from tests.realtime.helpers import (
    INVALID_FORMAT,
    INVALID_SCHEMA,
    NO_SESSION,
    NOT_CLASS_TEACHER,
    NOT_ENROLLED,
    STATUSES,
    STUDENT_NOT_ENROLLED,
    STUDENT_ONLY,
    TEACHER_ONLY,
    TOO_MANY,
    UNKNOWN_EVENT,
)
from tests.support.client import Account, Api
from tests.support.server import ServerProcess

MAX_EXAMPLES = 200
PER_CONNECTION = 40
REPLY_SECONDS = 5.0
QUIET_SECONDS = 0.1

FUZZ_SETTINGS = fuzz_settings(MAX_EXAMPLES)

# Every ERROR message SPEC §5 and §8 list for a connected client.
ERROR_MESSAGES = {
    TEACHER_ONLY,
    STUDENT_ONLY,
    NO_SESSION,
    INVALID_FORMAT,
    UNKNOWN_EVENT,
    INVALID_SCHEMA,
    NOT_CLASS_TEACHER,
    NOT_ENROLLED,
    STUDENT_NOT_ENROLLED,
    TOO_MANY,
    "Invalid check-in code",
    "Check-in is closed",
}
# The replies each role may get for its own request (broadcasts of its own class included).
REPLIES = {
    "teacher": {"ATTENDANCE_MARKED", "TODAY_SUMMARY", "DONE", "SESSION_STATE", "CHECKIN_CODE"},
    "student": {"MY_ATTENDANCE", "SESSION_STATE", "CHECK_IN"},
}
EVENTS = (
    "ATTENDANCE_MARKED",
    "TODAY_SUMMARY",
    "MY_ATTENDANCE",
    "DONE",
    "SESSION_STATE",
    "CHECKIN_CODE",
    "CHECK_IN",
    "ERROR",
)
ROLES = ("teacher", "student")

# Any JSON value (finite numbers only: NaN and infinities are not JSON).
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=20), children, max_size=6)
    ),
    max_leaves=25,
)

# Frames that exercise the parser's edges: bad escapes, deep nesting, out-of-range numbers.
EDGE_FRAMES = [
    "",
    " ",
    "null",
    "[]",
    '"event"',
    "{}",
    '{"event": null}',
    '{"event": 1}',
    '{"event": "\\ud800"}',
    '{"event": "SESSION_STATE", "data": {"classId": "\\udfff"}}',
    '{"event": "TODAY_SUMMARY", "data": {"classId": 1e400}}',
    '{"event": "TODAY_SUMMARY", "data": 123456789012345678901234567890}',
    '{"event": "SESSION_STATE", "data": NaN}',
    '{"event": "SESSION_STATE"',
    '{"event": "SESSION_STATE", "event": 7}',
    "[" * 5000 + "]" * 5000,
    '{"event": "SESSION_STATE", "data": ' + '{"a": ' * 3000 + "1" + "}" * 3000 + "}",
    '\ufeff{"event": "SESSION_STATE"}',
]


@dataclass
class Room:
    """A live session of the fuzzing teacher's class, and one of the fuzzing student's.

    The two classes share nobody, and their other members never connect, so every message a
    fuzzing connection receives answers its own request.
    """

    teacher: Account
    teacher_class: str
    teacher_student: Account
    student: Account
    student_class: str

    def account(self, role: str) -> Account:
        return self.teacher if role == "teacher" else self.student

    def class_id(self, role: str) -> str:
        return self.teacher_class if role == "teacher" else self.student_class


@pytest.fixture(scope="module")
async def room(server: ServerProcess) -> AsyncIterator[Room]:
    async with Api(server) as api:
        teacher, teacher_class, (teacher_student,) = await api.classroom(1)
        await api.start(teacher, teacher_class)
        other_teacher, student_class, (student,) = await api.classroom(1)
        await api.start(other_teacher, student_class)
        yield Room(teacher, teacher_class, teacher_student, student, student_class)


@dataclass
class Channel:
    """One role's connection, replaced every PER_CONNECTION messages or after a failure."""

    server: ServerProcess
    room: Room
    role: str
    connection: ClientConnection | None = None
    sent: int = 0
    replies: dict[str, int] = field(default_factory=dict)

    @property
    def account(self) -> Account:
        return self.room.account(self.role)

    def open(self) -> ClientConnection:
        if self.connection is not None and self.sent >= PER_CONNECTION:
            self.expect_silence(QUIET_SECONDS)
            self.close()
        if self.connection is None:
            url = f"{self.server.ws_url}?token={self.account.token}"
            self.connection = connect(url, max_size=None, proxy=None, open_timeout=10, legacy=True)
            self.sent = 0
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def expect_silence(self, seconds: float) -> None:
        assert self.connection is not None
        try:
            extra = self.connection.recv(timeout=seconds)
        except TimeoutError:
            return
        except ConnectionClosed as closed:
            self.connection = None
            raise AssertionError(f"connection closed: {closed.rcvd}") from None
        self.close()
        raise AssertionError(f"a second message for one request: {extra!r:.300}")

    def exchange(self, frame: str | bytes, fresh: bool = True) -> dict[str, Any]:
        """Send one frame; return its one reply, checked against the contract. With `fresh`
        false, the frame goes to the current connection even past PER_CONNECTION."""
        assert fresh or self.connection is not None, "no connection left to ask"
        connection = self.open() if fresh else self.connection
        assert connection is not None
        self.sent += 1
        try:
            connection.send(frame)
            raw = connection.recv(timeout=REPLY_SECONDS)
        except TimeoutError:
            self.close()
            raise AssertionError(f"no reply within {REPLY_SECONDS}s to {frame!r:.300}") from None
        except ConnectionClosed as closed:
            self.connection = None
            raise AssertionError(f"closed ({closed.rcvd}) after {frame!r:.300}") from None
        assert isinstance(raw, str), f"binary reply {raw!r:.300} to {frame!r:.300}"
        reply = json.loads(raw)
        self.check(reply, frame)
        self.expect_silence(0.005)
        if reply["event"] == "DONE":
            self.restart_session()
        return dict(reply)

    def check(self, reply: Any, frame: str | bytes) -> None:
        where = f"reply {reply!r:.300} to {frame!r:.300}"
        assert isinstance(reply, dict), where
        assert set(reply) == {"event", "data"}, where
        event, data = reply["event"], reply["data"]
        assert isinstance(data, dict), where
        if event == "ERROR":
            assert set(data) == {"message"}, where
            assert data["message"] in ERROR_MESSAGES, where
        else:
            assert event in REPLIES[self.role], where
            assert data.get("classId") == self.room.class_id(self.role), where
        self.replies[event] = self.replies.get(event, 0) + 1

    def restart_session(self) -> None:
        """A fuzzed DONE ended the teacher's session: start the next one, so later events
        still have a session to act on."""
        response = httpx.post(
            f"{self.server.base_url}/attendance/start",
            json={"classId": self.room.teacher_class},
            headers=self.room.teacher.auth,
            timeout=15,
        )
        assert response.status_code == 200, response.text
        if self.connection is not None:
            # The class's audience, this connection included, hears that it started.
            started = json.loads(self.connection.recv(timeout=REPLY_SECONDS))
            assert started == {"event": "SESSION_STARTED", "data": response.json()["data"]}

    def still_answers(self) -> None:
        """The connection that took the last fuzzed frames answers a valid event."""
        frame = json.dumps(
            {"event": "SESSION_STATE", "data": {"classId": self.room.class_id(self.role)}}
        )
        reply = self.exchange(frame, fresh=False)
        assert reply["event"] == "SESSION_STATE", reply


def run_property(
    server: ServerProcess, room: Room, role: str, build: Callable[[Channel], Callable[[], None]]
) -> Channel:
    channel = Channel(server, room, role)
    try:
        build(channel)()
        channel.still_answers()
        channel.expect_silence(QUIET_SECONDS)
    finally:
        channel.close()
    return channel


def id_values(room: Room) -> st.SearchStrategy[Any]:
    known = [room.teacher_class, room.student_class, room.teacher_student.id, room.student.id]
    return st.sampled_from(known) | st.uuids().map(str) | JSON


def event_data(room: Room) -> st.SearchStrategy[Any]:
    """`data` that is sometimes nearly right, so validation and the handlers are reached."""
    ids = id_values(room)
    plausible = st.fixed_dictionaries(
        {},
        optional={
            "classId": ids,
            "studentId": ids,
            "status": st.sampled_from(STATUSES) | JSON,
            "code": st.from_regex(r"\A[0-9]{6}\Z") | JSON,
            "markedAt": st.datetimes().map(lambda at: at.isoformat() + "Z") | JSON,
            "opId": st.uuids().map(str) | JSON,
            "ttl": JSON,
        },
    )
    return plausible | JSON


def replayed_marks(room: Room) -> list[dict[str, Any]]:
    """Valid marks with odd offline-replay fields (SPEC §8): far future and far past times,
    an `opId` used twice, a time that is not one."""
    op_id = "00000000-0000-4000-8000-000000000000"
    mark = {"studentId": room.teacher_student.id, "classId": room.teacher_class}
    return [
        {**mark, "status": "late", "markedAt": "9999-12-31T23:59:59.999Z", "opId": op_id},
        {**mark, "status": "absent", "markedAt": "0001-01-01T00:00:00.000Z", "opId": op_id},
        {**mark, "status": "present", "markedAt": "0001-01-01T00:00:00.000Z"},
        {**mark, "status": "excused", "markedAt": "yesterday"},
        {**mark, "status": "present", "markedAt": 1e300, "opId": "not-a-uuid"},
    ]


@pytest.mark.parametrize("role", ROLES)
def test_any_frame_gets_one_error_and_no_close(
    server: ServerProcess, room: Room, role: str
) -> None:
    """Any text or bytes frame: `ERROR` (or, by luck, a valid reply), never a close."""

    def build(channel: Channel) -> Callable[[], None]:
        @FUZZ_SETTINGS
        @given(frame=st.text(max_size=2000) | st.binary(max_size=4000))
        def prop(frame: str | bytes) -> None:
            channel.exchange(frame)

        for edge in EDGE_FRAMES:
            prop = example(frame=edge)(prop)
            prop = example(frame=edge.encode())(prop)
        for raw in (b"\xff\xfe\xfd", b'{"event": "\xc3\x28"}', b"\x00" * 100):
            prop = example(frame=raw)(prop)
        return prop

    channel = run_property(server, room, role, build)
    assert channel.replies.get("ERROR", 0) >= MAX_EXAMPLES // 2, channel.replies


@pytest.mark.parametrize("role", ROLES)
def test_any_json_value_gets_one_error_and_no_close(
    server: ServerProcess, room: Room, role: str
) -> None:
    """Any JSON value that is not an object with a string `event`: `Invalid message format`."""

    def build(channel: Channel) -> Callable[[], None]:
        @FUZZ_SETTINGS
        @given(value=JSON)
        def prop(value: Any) -> None:
            reply = channel.exchange(json.dumps(value))
            if not (isinstance(value, dict) and isinstance(value.get("event"), str)):
                assert reply["data"] == {"message": INVALID_FORMAT}, (value, reply)

        return prop

    channel = run_property(server, room, role, build)
    assert channel.replies.get("ERROR", 0) >= MAX_EXAMPLES // 2, channel.replies


@pytest.mark.parametrize("role", ROLES)
def test_any_event_and_data_gets_one_answer_and_no_close(
    server: ServerProcess, room: Room, role: str
) -> None:
    """Any object with any `event` and `data`: one `ERROR` or one valid reply."""

    def build(channel: Channel) -> Callable[[], None]:
        message = st.fixed_dictionaries(
            {"event": st.sampled_from(EVENTS) | st.text(max_size=40)},
            optional={"data": event_data(room), "extra": JSON},
        )

        @FUZZ_SETTINGS
        @given(message=message)
        def prop(message: dict[str, Any]) -> None:
            reply = channel.exchange(json.dumps(message))
            if message["event"] not in EVENTS:
                assert reply["data"] == {"message": UNKNOWN_EVENT}, (message, reply)

        for data in replayed_marks(room):
            prop = example(message={"event": "ATTENDANCE_MARKED", "data": data})(prop)
        return prop

    channel = run_property(server, room, role, build)
    # The properties reach past the parser: some requests succeed, some fail validation.
    assert set(channel.replies) - {"ERROR"}, channel.replies
    assert channel.replies.get("ERROR", 0) > 0, channel.replies
