"""Shared assertions and set-ups for the contract tests (black box: HTTP and /ws only)."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import jwt

from tests.support.client import Account, Api
from tests.support.server import JWT_SECRET

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TIMESTAMP_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

SCHEMA = "Invalid request schema"
UNAUTHORIZED = "Unauthorized, token missing or invalid"
TEACHER_ONLY = "Forbidden, teacher access required"
STUDENT_ONLY = "Forbidden, student access required"
NOT_CLASS_TEACHER = "Forbidden, not class teacher"
NOT_ENROLLED = "Forbidden, not enrolled in class"
CLASS_NOT_FOUND = "Class not found"
STUDENT_NOT_FOUND = "Student not found"
USER_NOT_FOUND = "User not found"
BAD_LOGIN = "Invalid email or password"
NO_SESSION = "No active attendance session"

NOT_A_UUID = "not-a-uuid"


def _envelope(response: httpx.Response) -> dict[str, Any]:
    assert response.headers.get("content-type", "").startswith("application/json"), (
        response.headers.get("content-type"),
        response.text,
    )
    body = response.json()
    assert isinstance(body, dict), response.text
    return body


def ok(response: httpx.Response, status: int = 200) -> Any:
    """Assert a success envelope with `status` and return its `data`."""
    assert response.status_code == status, response.text
    body = _envelope(response)
    assert body.keys() == {"success", "data"}, body
    assert body["success"] is True, body
    return body["data"]


def fails(response: httpx.Response, status: int, message: str) -> None:
    """Assert exactly `{"success": false, "error": message}` with `status`."""
    assert response.status_code == status, response.text
    assert _envelope(response) == {"success": False, "error": message}


def is_uuid(value: object) -> bool:
    return isinstance(value, str) and UUID_RE.fullmatch(value) is not None


def is_timestamp(value: object) -> bool:
    return isinstance(value, str) and TIMESTAMP_RE.fullmatch(value) is not None


def random_id() -> str:
    return str(uuid.uuid4())


def tag() -> str:
    """A fragment no other test (or earlier run on the same database) uses."""
    return uuid.uuid4().hex[:12]


def user_view(account: Account) -> dict[str, str]:
    return {"id": account.id, "name": account.name, "email": account.email}


def forge_token(
    user_id: str,
    role: str = "teacher",
    *,
    secret: str = JWT_SECRET,
    algorithm: str = "HS256",
    lifetime: int = 3600,
    **claims: Any,
) -> str:
    """A JWT like the server's, with any part of it changed."""
    issued = int(time.time())
    payload: dict[str, Any] = {
        "userId": user_id,
        "role": role,
        "iat": issued,
        "exp": issued + lifetime,
    }
    payload.update(claims)
    payload = {key: value for key, value in payload.items() if value is not None}
    return jwt.encode(payload, secret, algorithm=algorithm)


@dataclass(frozen=True)
class FinishedSession:
    session_id: str
    started_at: str
    done: dict[str, Any]


async def run_session(
    api: Api, teacher: Account, class_id: str, marks: Mapping[str, str] | None = None
) -> FinishedSession:
    """Start a session, mark `{studentId: status}` over /ws, then finish it with DONE."""
    started = await api.start(teacher, class_id)
    async with await api.ws(teacher) as socket:
        for student_id, status in (marks or {}).items():
            data = {"classId": class_id, "studentId": student_id, "status": status}
            reply = await socket.request("ATTENDANCE_MARKED", data)
            assert reply == {"event": "ATTENDANCE_MARKED", "data": data}, reply
        done = await socket.request("DONE", {"classId": class_id})
    assert done["event"] == "DONE", done
    return FinishedSession(started["sessionId"], started["startedAt"], done["data"])


async def stranger_teacher_class(api: Api) -> tuple[Account, str]:
    """Another teacher's class, with the caller who does not own it."""
    owner = await api.teacher()
    class_id = await api.create_class(owner)
    return await api.teacher(), class_id
