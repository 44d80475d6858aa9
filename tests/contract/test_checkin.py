"""SPEC §8: self check-in with a rotating code, offline replay, and the audit trail."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pyotp
from sqlalchemy import select

from headcount.store.database import Database
from headcount.store.tables import AttendanceSession
from tests.support.client import Account, Api


async def roll_call(
    api: Api, students: int = 1, **options: Any
) -> tuple[Account, str, list[Account]]:
    teacher, class_id, enrolled = await api.classroom(students)
    body = {"classId": class_id, **options}
    response = await api.request("POST", "/attendance/start", teacher.token, json=body)
    assert response.status_code == 200, response.text
    return teacher, class_id, enrolled


async def current_code(api: Api, teacher: Account, class_id: str) -> dict[str, Any]:
    response = await api.request("GET", f"/attendance/code?classId={class_id}", teacher.token)
    assert response.status_code == 200, response.text
    return dict(response.json()["data"])


async def check_in(api: Api, student: Account, class_id: str, code: str) -> httpx.Response:
    body = {"classId": class_id, "code": code}
    return await api.request("POST", "/attendance/check-in", student.token, json=body)


def error(response: httpx.Response, status: int, message: str) -> None:
    assert (response.status_code, response.json()) == (
        status,
        {"success": False, "error": message},
    )


async def secret_of(api: Api, class_id: str) -> str:
    database = Database(api.server.backend.database_url)
    try:
        async with database.read() as conn:
            secret = await conn.scalar(
                select(AttendanceSession.checkin_secret).where(
                    AttendanceSession.class_id == uuid.UUID(class_id),
                    AttendanceSession.ended_at.is_(None),
                )
            )
    finally:
        await database.close()
    assert isinstance(secret, str)
    return secret


async def test_the_live_code_checks_a_student_in(api: Api) -> None:
    teacher, class_id, (student,) = await roll_call(api)
    shown = await current_code(api, teacher, class_id)
    assert re.fullmatch(r"\d{6}", shown["code"])
    expires = datetime.fromisoformat(shown["expiresAt"].replace("Z", "+00:00"))
    assert timedelta(0) < expires - datetime.now(UTC) <= timedelta(seconds=21)
    async with await api.ws(teacher) as teacher_socket:
        response = await check_in(api, student, class_id, shown["code"])
        assert response.json() == {
            "success": True,
            "data": {"classId": class_id, "status": "present"},
        }
        assert await teacher_socket.receive() == {
            "event": "ATTENDANCE_MARKED",
            "data": {"classId": class_id, "studentId": student.id, "status": "present"},
        }


async def test_check_in_over_the_socket(api: Api) -> None:
    teacher, class_id, (student,) = await roll_call(api, lateAfterMinutes=0)
    async with await api.ws(teacher) as teacher_socket, await api.ws(student) as student_socket:
        shown = await teacher_socket.request("CHECKIN_CODE")
        assert shown["event"] == "CHECKIN_CODE" and shown["data"]["classId"] == class_id
        await student_socket.send("CHECK_IN", {"code": shown["data"]["code"]})
        replies = [await student_socket.receive(), await student_socket.receive()]
        assert {"event": "CHECK_IN", "data": {"classId": class_id, "status": "late"}} in replies
        marked = {"classId": class_id, "studentId": student.id, "status": "late"}
        assert {"event": "ATTENDANCE_MARKED", "data": marked} in replies


async def test_a_code_lives_for_its_step_and_the_next(api: Api) -> None:
    _, class_id, (first, second, third) = await roll_call(api, 3)
    totp = pyotp.TOTP(await secret_of(api, class_id), interval=20)
    into_step = time.time() % 20
    if into_step > 17:  # keep clear of a step boundary between us and the server
        await asyncio.sleep(20.5 - into_step)
    now = datetime.now(UTC)

    def code(steps: int) -> str:
        return totp.at(now, counter_offset=steps)

    assert (await check_in(api, first, class_id, code(0))).status_code == 200
    assert (await check_in(api, second, class_id, code(-1))).status_code == 200
    for too_old_or_early in (-2, 1):
        response = await check_in(api, third, class_id, code(too_old_or_early))
        error(response, 400, "Invalid check-in code")


async def test_check_in_can_be_closed(api: Api) -> None:
    teacher, class_id, (student,) = await roll_call(api, checkIn=False)
    error(await check_in(api, student, class_id, "123456"), 409, "Check-in is closed")
    response = await api.request("GET", f"/attendance/code?classId={class_id}", teacher.token)
    error(response, 409, "Check-in is closed")
    async with await api.ws(student) as socket:
        reply = await socket.request("CHECK_IN", {"code": "123456"})
        assert reply == {"event": "ERROR", "data": {"message": "Check-in is closed"}}


async def test_a_teacher_s_mark_and_a_check_in_never_swap_roles(api: Api) -> None:
    teacher, class_id, (marked_first, checked_first) = await roll_call(api, 2)
    code = (await current_code(api, teacher, class_id))["code"]
    async with await api.ws(teacher) as socket:
        await socket.request(
            "ATTENDANCE_MARKED", {"studentId": marked_first.id, "status": "absent"}
        )
        # The check-in does not override the teacher's mark: the student learns what stands.
        answer = await check_in(api, marked_first, class_id, code)
        assert answer.json()["data"] == {"classId": class_id, "status": "absent"}
        await socket.expect_silence()
        assert (await check_in(api, checked_first, class_id, code)).status_code == 200
        await socket.receive()
        # The teacher's mark overrides a check-in, even one made later.
        earlier = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
        body = {"studentId": checked_first.id, "status": "excused", "markedAt": earlier}
        reply = await socket.request("ATTENDANCE_MARKED", body)
        assert reply["data"]["status"] == "excused"


async def test_guessing_codes_is_limited(api: Api) -> None:
    teacher, class_id, (student, other) = await roll_call(api, 2)
    for _ in range(5):
        error(await check_in(api, student, class_id, "000000"), 400, "Invalid check-in code")
    refused = await check_in(api, student, class_id, "000000")
    error(refused, 429, "Too many requests")
    assert int(refused.headers["retry-after"]) >= 1
    async with await api.ws(student) as socket:
        reply = await socket.request("CHECK_IN", {"code": "000000"})
        assert reply == {"event": "ERROR", "data": {"message": "Too many messages"}}
    # Another student is not held back by the guesser.
    code = (await current_code(api, teacher, class_id))["code"]
    assert (await check_in(api, other, class_id, code)).status_code == 200


async def test_concurrent_code_guesses_cannot_pass_the_limit(api: Api) -> None:
    """Each guess is counted before it is compared: 40 at once get at most 5 comparisons."""
    _, class_id, (student,) = await roll_call(api)
    guesses = [check_in(api, student, class_id, f"{n:06d}") for n in range(40)]
    responses = await asyncio.gather(*guesses)
    assert sum(response.status_code != 429 for response in responses) <= 5


async def test_replays_in_any_order_converge_on_the_newest(api: Api) -> None:
    teacher, class_id, (student,) = await roll_call(api)
    base = datetime.now(UTC) - timedelta(minutes=10)
    taps = [("late", base + timedelta(minutes=3)), ("present", base + timedelta(minutes=1))]
    async with await api.ws(teacher) as replayer, await api.ws(student) as watcher:
        for status, moment in taps:
            body = {"studentId": student.id, "status": status, "markedAt": moment.isoformat()}
            reply = await replayer.request("ATTENDANCE_MARKED", body)
            # The stale one is answered with the stored status, to its sender only.
            assert reply["data"] == {"classId": class_id, "studentId": student.id, "status": "late"}
        assert (await watcher.receive())["data"]["status"] == "late"
        await watcher.expect_silence()
        state = await replayer.request("SESSION_STATE")
        assert state["data"]["attendance"] == {student.id: "late"}
    rest = {
        "classId": class_id,
        "studentId": student.id,
        "status": "absent",
        "markedAt": (base + timedelta(minutes=2)).isoformat(),
    }
    response = await api.request("POST", "/attendance/mark", teacher.token, json=rest)
    assert (response.json()["data"]["status"], response.json()["data"]["applied"]) == (
        "late",
        False,
    )


async def test_a_repeated_op_id_is_applied_once(api: Api) -> None:
    teacher, _, (student,) = await roll_call(api)
    op = str(uuid.uuid4())
    async with await api.ws(teacher) as socket:
        first = await socket.request(
            "ATTENDANCE_MARKED", {"studentId": student.id, "status": "present", "opId": op}
        )
        again = await socket.request(
            "ATTENDANCE_MARKED", {"studentId": student.id, "status": "absent", "opId": op}
        )
    assert first["data"]["status"] == again["data"]["status"] == "present"


async def test_the_event_log_tells_what_happened(api: Api) -> None:
    teacher, class_id, (checked, marked, absent) = await roll_call(api, 3)
    code = (await current_code(api, teacher, class_id))["code"]
    await check_in(api, checked, class_id, code)
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    op = str(uuid.uuid4())
    async with await api.ws(teacher) as socket:
        body = {"studentId": marked.id, "status": "late", "markedAt": future, "opId": op}
        await socket.request("ATTENDANCE_MARKED", body)
        await socket.request("ATTENDANCE_MARKED", {**body, "status": "present"})
        done = await socket.request("DONE")
    assert done["data"]["absent"] == 1
    sessions = await api.request("GET", f"/class/{class_id}/sessions", teacher.token)
    session_id = sessions.json()["data"][0]["sessionId"]
    response = await api.request(
        "GET", f"/class/{class_id}/sessions/{session_id}/events", teacher.token
    )
    events = response.json()["data"]
    summary = [(e["studentId"], e["status"], e["source"], e["applied"]) for e in events]
    assert summary == [
        (checked.id, "present", "checkin", True),
        (marked.id, "late", "ws", True),
        (marked.id, "present", "ws", False),
        (absent.id, "absent", "done", True),
    ]
    assert [e["actorId"] for e in events] == [checked.id, teacher.id, teacher.id, teacher.id]
    assert events[1]["opId"] == op and events[0]["opId"] is None
    assert all(e["sessionId"] == session_id for e in events)
    # A future markedAt is clamped to the server's clock.
    assert events[1]["markedAt"] <= events[1]["receivedAt"]
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)


async def test_the_event_log_is_the_class_teacher_s_only(api: Api) -> None:
    teacher, class_id, _ = await roll_call(api)
    stranger = await api.teacher()
    sessions = await api.request("GET", f"/class/{class_id}/sessions", teacher.token)
    session_id = sessions.json()["data"][0]["sessionId"]
    path = f"/class/{class_id}/sessions/{session_id}/events"
    error(await api.request("GET", path, stranger.token), 403, "Forbidden, not class teacher")
    missing = f"/class/{class_id}/sessions/{uuid.uuid4()}/events"
    error(await api.request("GET", missing, teacher.token), 404, "Session not found")
    garbage = f"/class/{class_id}/sessions/not-a-uuid/events"
    error(await api.request("GET", garbage, teacher.token), 404, "Session not found")
    error(await api.request("GET", path), 401, "Unauthorized, token missing or invalid")
