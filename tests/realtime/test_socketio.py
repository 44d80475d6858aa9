"""The Socket.IO gateway (SPEC §6) with python-socketio's own client against a real server."""

from __future__ import annotations

from typing import Any

import pytest
import socketio

from tests.contract.helpers import run_session
from tests.support.client import Api
from tests.support.socketio_client import Client


def update(class_id: str, student_id: str, status: str) -> tuple[str, dict[str, str]]:
    return "attendanceUpdate", {"classId": class_id, "studentId": student_id, "status": status}


async def test_a_ws_mark_reaches_a_subscriber_once(api: Api, clients: Any) -> None:
    teacher, class_id, (student,) = await api.classroom(1)
    await api.start(teacher, class_id)
    listener = await clients(student)
    assert await listener.call("subscribeToClass", {"classId": class_id}) == {"success": True}
    assert await listener.call("subscribeToClass", {"classId": class_id}) == {"success": True}
    async with await api.ws(teacher) as socket:
        await socket.send("ATTENDANCE_MARKED", {"studentId": student.id, "status": "late"})
        await socket.receive()
    assert await listener.next() == update(class_id, student.id, "late")
    await listener.nothing_more()


async def test_a_correction_reaches_subscribers_as_an_update(api: Api, clients: Any) -> None:
    teacher, class_id, (student,) = await api.classroom(1)
    done = await run_session(api, teacher, class_id)
    listener = await clients(student)
    assert await listener.call("subscribeToClass", {"classId": class_id}) == {"success": True}
    at = f"/class/{class_id}/sessions/{done.session_id}/attendance/{student.id}"
    body = {"status": "excused", "reason": "Doctor's note"}
    assert (await api.request("PATCH", at, teacher.token, json=body)).status_code == 200
    assert await listener.next() == update(class_id, student.id, "excused")
    await listener.nothing_more()


async def test_a_socketio_mark_reaches_ws_and_rest(api: Api, clients: Any) -> None:
    teacher, class_id, (student,) = await api.classroom(1)
    await api.start(teacher, class_id)
    marker = await clients(teacher)
    async with await api.ws(student) as socket:
        ack = await marker.call(
            "markAttendance",
            {"classId": class_id, "studentId": student.id, "status": "present", "ttl": 90},
        )
        assert ack["success"] is True
        assert ack["message"] == "Attendance marked successfully"
        assert ack["cacheKey"].startswith(f"attendance_{class_id}_{student.id}_")
        assert await socket.receive() == {
            "event": "ATTENDANCE_MARKED",
            "data": {"classId": class_id, "studentId": student.id, "status": "present"},
        }
    day = await api.request(
        "GET", f"/attendance/student?classId={class_id}&studentId={student.id}", student.token
    )
    assert (day.json()["data"]["status"], day.json()["data"]["source"]) == ("present", "cache")


async def test_strangers_and_bad_payloads_get_exceptions(api: Api, clients: Any) -> None:
    teacher, class_id, (student,) = await api.classroom(1)
    await api.start(teacher, class_id)
    outsider = await clients(await api.student())
    await outsider.call("subscribeToClass", {"classId": class_id})
    assert await outsider.next() == (
        "exception",
        {"status": "error", "message": "Forbidden, not enrolled in class"},
    )
    other_teacher = await clients(await api.teacher())
    await other_teacher.call("subscribeToClass", {"classId": class_id})
    assert (await other_teacher.next())[1]["message"] == "Forbidden, not class teacher"
    pupil = await clients(student)
    await pupil.call("markAttendance", {"classId": class_id, "studentId": student.id})
    assert (await pupil.next())[1]["message"] == "Forbidden, teacher event only"
    marker = await clients(teacher)
    await marker.call("markAttendance", {"classId": class_id, "studentId": student.id})
    assert (await marker.next())[1]["message"] == "Invalid request schema"
    # A stranger who was refused hears nothing of the class.
    await marker.call(
        "markAttendance", {"classId": class_id, "studentId": student.id, "status": "late"}
    )
    await outsider.nothing_more()


@pytest.mark.parametrize("auth", [None, {"token": "not-a-jwt"}])
async def test_a_bad_token_is_refused(api: Api, auth: dict[str, str] | None) -> None:
    client = Client()
    with pytest.raises(socketio.exceptions.ConnectionError):
        await client.connect(api.server.base_url, auth)
    assert await client.next() == ("connect_error", {"message": "Unauthorized or invalid token"})
