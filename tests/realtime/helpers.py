"""Shared pieces of the /ws contract tests: expected messages, classrooms, sockets."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import re
import socket
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import jwt
import pytest
import websockets
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame, Opcode

from tests.support.client import Account, Api, Socket
from tests.support.server import JWT_SECRET, ServerProcess

Message = dict[str, Any]

STATUSES = ("present", "absent", "late", "excused")
COUNT_KEYS = ("present", "absent", "late", "excused", "total")

UNAUTHORIZED = "Unauthorized or invalid token"
TEACHER_ONLY = "Forbidden, teacher event only"
STUDENT_ONLY = "Forbidden, student event only"
NO_SESSION = "No active attendance session"
INVALID_FORMAT = "Invalid message format"
UNKNOWN_EVENT = "Unknown event"
INVALID_SCHEMA = "Invalid request schema"
NOT_CLASS_TEACHER = "Forbidden, not class teacher"
NOT_ENROLLED = "Forbidden, not enrolled in class"
STUDENT_NOT_ENROLLED = "Student not enrolled in class"
TOO_MANY = "Too many messages"
PERSISTED = "Attendance persisted"
NOT_YET_UPDATED = "not yet updated"

POLICY_VIOLATION = 1008
MESSAGE_TOO_BIG = 1009
MAX_FRAME = 64 * 1024
ISO_MILLIS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")


def error(message: str) -> Message:
    return {"event": "ERROR", "data": {"message": message}}


def counts(present: int = 0, absent: int = 0, late: int = 0, excused: int = 0) -> dict[str, int]:
    return {
        "present": present,
        "absent": absent,
        "late": late,
        "excused": excused,
        "total": present + absent + late + excused,
    }


def marked(class_id: str, student_id: str, status: str) -> Message:
    return {
        "event": "ATTENDANCE_MARKED",
        "data": {"classId": class_id, "studentId": student_id, "status": status},
    }


def summary(class_id: str, **tally: int) -> Message:
    return {"event": "TODAY_SUMMARY", "data": {"classId": class_id, **counts(**tally)}}


def done(class_id: str, **tally: int) -> Message:
    return {
        "event": "DONE",
        "data": {"classId": class_id, "message": PERSISTED, **counts(**tally)},
    }


def started(session: Mapping[str, Any]) -> Message:
    """The SESSION_STARTED broadcast of a session `POST /attendance/start` answered with."""
    data = {key: session[key] for key in ("classId", "sessionId", "startedAt")}
    return {"event": "SESSION_STARTED", "data": data}


def my_attendance(class_id: str, status: str) -> Message:
    return {"event": "MY_ATTENDANCE", "data": {"classId": class_id, "status": status}}


def mark_request(student: Account, status: str, class_id: str | None = None) -> Message:
    data: Message = {"studentId": student.id, "status": status}
    if class_id is not None:
        data["classId"] = class_id
    return data


def only_counts(data: Mapping[str, Any]) -> dict[str, Any]:
    return {key: data.get(key) for key in COUNT_KEYS}


def attendance_by_student(attendance: Any) -> dict[str, Any]:
    """`SESSION_STATE.attendance` as {studentId: status}, whether keyed or listed by student id."""
    if isinstance(attendance, dict):
        return {
            str(key): value.get("status") if isinstance(value, dict) else value
            for key, value in attendance.items()
        }
    assert isinstance(attendance, list), attendance
    result: dict[str, Any] = {}
    for entry in attendance:
        assert isinstance(entry, dict), attendance
        student_id = entry.get("studentId", entry.get("id"))
        assert isinstance(student_id, str), attendance
        result[student_id] = entry.get("status")
    return result


def marked_statuses(attendance: Any) -> dict[str, str]:
    """Only the students that have a status; an unmarked student may be absent or null."""
    return {key: value for key, value in attendance_by_student(attendance).items() if value}


def token_for(payload: Mapping[str, Any], secret: str = JWT_SECRET) -> str:
    return jwt.encode(dict(payload), secret, algorithm="HS256")


def claims(account: Account, lifetime: int = 3600) -> dict[str, Any]:
    now = int(time.time())
    return {"userId": account.id, "role": account.role, "iat": now, "exp": now + lifetime}


def random_id() -> str:
    return str(uuid.uuid4())


@dataclass
class Room:
    """A teacher's class with enrolled students and, once started, its live session."""

    teacher: Account
    class_id: str
    students: list[Account]
    session: Message

    @property
    def session_id(self) -> str:
        return str(self.session["sessionId"])


async def open_room(api: Api, students: int = 2, start: bool = True) -> Room:
    teacher, class_id, enrolled = await api.classroom(students)
    session = await api.start(teacher, class_id) if start else {}
    return Room(teacher, class_id, enrolled, session)


async def http_ok(api: Api, path: str, account: Account) -> Any:
    """GET `path` as `account` and return the success envelope's data."""
    response = await api.request("GET", path, account.token)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True, body
    return body["data"]


async def all_receive(socks: list[Socket], expected: Message) -> None:
    for sock in socks:
        assert await sock.receive() == expected


async def all_silent(socks: list[Socket], seconds: float = 0.3) -> None:
    """None of `socks` receives anything within the same `seconds`."""
    await asyncio.gather(*(sock.expect_silence(seconds) for sock in socks))


def split_audience(
    room: Room, audience: list[Socket], student: Account
) -> tuple[list[Socket], list[Socket]]:
    """Of `audience` (one socket per student of `room`, in the room's order), the socket that
    hears a mark about `student` and the classmates' sockets that do not (SPEC §5: by
    default a student hears only marks about themselves)."""
    hears = [sock for sock, s in zip(audience, room.students, strict=True) if s.id == student.id]
    others = [sock for sock, s in zip(audience, room.students, strict=True) if s.id != student.id]
    return hears, others


async def mark_heard(
    teacher: Socket, audience: list[Socket], room: Room, student: Account, status: str
) -> None:
    """The teacher marks `student`: the teacher and that student hear it, classmates do not."""
    await teacher.send("ATTENDANCE_MARKED", mark_request(student, status))
    hears, others = split_audience(room, audience, student)
    await all_receive([teacher, *hears], marked(room.class_id, student.id, status))
    await all_silent(others, 0.1)


async def receive_many(sock: Socket, count: int, wait: float = 5.0) -> list[Message]:
    """Up to `count` messages; stops early on a timeout so a short list shows what went missing."""
    received: list[Message] = []
    while len(received) < count:
        try:
            received.append(await sock.receive(wait))
        except TimeoutError:
            break
    return received


async def receive_until_quiet(sock: Socket, quiet: float = 0.5) -> list[Message]:
    received: list[Message] = []
    while True:
        try:
            received.append(await sock.receive(quiet))
        except TimeoutError:
            return received


async def expect_close(sock: Socket, code: int, wait: float = 5.0) -> None:
    """The server closes the connection with `code` before sending anything else."""
    with pytest.raises(ConnectionClosed) as closed:
        message = await sock.receive(wait)
        raise AssertionError(f"expected close {code}, got message {message!r}")
    received = closed.value.rcvd
    assert received is not None, f"closed without a close frame, expected {code}"
    assert received.code == code


async def expect_open(sock: Socket, teacher: bool) -> None:
    """The connection still answers a valid request after an error."""
    if teacher:
        reply = await sock.request("TODAY_SUMMARY")
        assert reply["event"] == "TODAY_SUMMARY", reply
    else:
        reply = await sock.request("SESSION_STATE")
        assert reply["event"] == "SESSION_STATE", reply


class Sockets:
    """Opens WebSocket connections for one test and closes them all at the end."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.server: ServerProcess = api.server
        self._open: list[Socket] = []
        self._raw: list[socket.socket] = []
        self._tasks: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> Sockets:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for sock in self._open:
            await sock.close()
        for raw in self._raw:
            raw.close()

    async def open(self, account: Account) -> Socket:
        sock = await self.api.ws(account)
        self._open.append(sock)
        return sock

    async def connect(
        self,
        query: str = "",
        headers: Mapping[str, str] | None = None,
        max_queue: int | None = 16,
    ) -> Socket:
        """A connection with full control over how the token is passed and how it buffers."""
        connection = await websockets.connect(
            self.server.ws_url + query,
            additional_headers=dict(headers or {}),
            max_size=None,
            max_queue=max_queue,
        )
        sock = Socket(connection)
        self._open.append(sock)
        return sock

    async def open_unbuffered(self, account: Account) -> Socket:
        """A connection that reads everything the server sends even when the test does not."""
        return await self.connect(f"?token={account.token}", max_queue=None)

    async def open_stalled(self, account: Account, flood: int = 0) -> socket.socket:
        """A connection that completes the handshake and then never reads another byte.

        With `flood`, it also sends that many small messages in the background, so that the
        server's replies pile up in front of it faster than any socket buffer can absorb.
        """
        loop = asyncio.get_running_loop()
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._raw.append(raw)
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        raw.setblocking(False)
        await loop.sock_connect(raw, ("127.0.0.1", self.server.port))
        key = base64.b64encode(os.urandom(16)).decode()
        handshake = (
            f"GET /ws?token={account.token} HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{self.server.port}\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        )
        await loop.sock_sendall(raw, handshake.encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = await asyncio.wait_for(loop.sock_recv(raw, 1), 5)
            assert chunk, f"connection closed during the handshake: {response!r}"
            response += chunk
        assert response.split(b"\r\n", 1)[0].split(b" ")[1] == b"101", response
        if flood:
            self._tasks.append(asyncio.create_task(_flood(raw, flood)))
        return raw


async def _flood(raw: socket.socket, count: int) -> None:
    frame = Frame(Opcode.TEXT, b'{"event":"FLOOD"}').serialize(mask=True, extensions=[])
    with contextlib.suppress(OSError):
        await asyncio.get_running_loop().sock_sendall(raw, frame * count)


def encode(message: Any) -> str:
    return json.dumps(message, separators=(",", ":"))
