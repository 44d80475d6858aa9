"""SPEC §4 over HTTP: starting sessions, a student's last status, history and the matrix."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tests.contract.helpers import (
    CLASS_NOT_FOUND,
    NOT_A_UUID,
    NOT_CLASS_TEACHER,
    NOT_ENROLLED,
    SCHEMA,
    STUDENT_ONLY,
    TEACHER_ONLY,
    UNAUTHORIZED,
    fails,
    is_timestamp,
    is_uuid,
    ok,
    random_id,
    run_session,
    stranger_teacher_class,
    user_view,
)
from tests.support.backends import Backend
from tests.support.client import Account, Api
from tests.support.server import start_server

STATUSES = ("present", "absent", "late", "excused")


async def start(api: Api, caller: Account | None, body: Any) -> Any:
    token = caller.token if caller else None
    return await api.request("POST", "/attendance/start", token, json=body)


async def my_attendance(api: Api, student: Account, class_id: str) -> Any:
    return await api.request("GET", f"/class/{class_id}/my-attendance", student.token)


def counts(**marks: int) -> dict[str, int]:
    summary = {status: marks.get(status, 0) for status in STATUSES}
    return {**summary, "total": sum(summary.values())}


# --- POST /attendance/start ----------------------------------------------------------------------


async def test_start_returns_a_new_session(api: Api) -> None:
    teacher, class_id, _ = await api.classroom(1)
    started = ok(await start(api, teacher, {"classId": class_id}))
    assert started.keys() == {"classId", "sessionId", "startedAt"}
    assert started["classId"] == class_id
    assert is_uuid(started["sessionId"])
    assert is_timestamp(started["startedAt"])


async def test_start_is_idempotent_while_active(api: Api) -> None:
    teacher, class_id, _ = await api.classroom(1)
    first = ok(await start(api, teacher, {"classId": class_id}))
    second = ok(await start(api, teacher, {"classId": class_id}))
    assert second == first


async def test_start_again_keeps_the_marks(api: Api) -> None:
    teacher, class_id, (student,) = await api.classroom(1)
    first = await api.start(teacher, class_id)
    async with await api.ws(teacher) as socket:
        data = {"classId": class_id, "studentId": student.id, "status": "late"}
        assert (await socket.request("ATTENDANCE_MARKED", data))["data"] == data
        assert await api.start(teacher, class_id) == first
        done = await socket.request("DONE", {"classId": class_id})
    assert done["data"] == {
        "classId": class_id,
        "message": "Attendance persisted",
        **counts(late=1),
    }


async def test_concurrent_starts_open_one_session(api: Api) -> None:
    teacher, class_id, _ = await api.classroom(1)
    responses = await asyncio.gather(
        *(start(api, teacher, {"classId": class_id}) for _ in range(8))
    )
    sessions = [ok(response) for response in responses]
    assert all(session == sessions[0] for session in sessions), sessions


async def test_a_restart_mid_session_loses_nothing(backend: Backend, tmp_path: Path) -> None:
    with start_server(backend, workdir=tmp_path) as server:
        async with Api(server) as api:
            teacher, class_id, (ann, bob, _) = await api.classroom(3)
            started = await api.start(teacher, class_id)
            async with await api.ws(teacher) as socket:
                data = {"classId": class_id, "studentId": ann.id, "status": "present"}
                assert (await socket.request("ATTENDANCE_MARKED", data))["data"] == data
            await asyncio.to_thread(server.restart)
            assert await api.start(teacher, class_id) == started
            finished = await run_session(api, teacher, class_id, {bob.id: "late"})
    assert finished.session_id == started["sessionId"]
    assert finished.done == {
        "classId": class_id,
        "message": "Attendance persisted",
        **counts(present=1, late=1, absent=1),
    }


async def test_start_after_finish_opens_a_new_session(api: Api) -> None:
    teacher, class_id, _ = await api.classroom(1)
    finished = await run_session(api, teacher, class_id)
    started = await api.start(teacher, class_id)
    assert started["sessionId"] != finished.session_id
    assert started["startedAt"] >= finished.started_at


async def test_sessions_of_different_classes_run_at_once(api: Api) -> None:
    teacher = await api.teacher()
    first_id, second_id = await api.create_class(teacher), await api.create_class(teacher)
    first, second = await api.start(teacher, first_id), await api.start(teacher, second_id)
    assert first["sessionId"] != second["sessionId"]
    classes = {c["id"]: c for c in ok(await api.request("GET", "/classes", teacher.token))}
    assert classes[first_id]["activeSession"] == {
        "sessionId": first["sessionId"],
        "startedAt": first["startedAt"],
    }
    assert classes[second_id]["activeSession"] == {
        "sessionId": second["sessionId"],
        "startedAt": second["startedAt"],
    }


async def test_start_for_a_class_with_no_students(api: Api) -> None:
    teacher = await api.teacher()
    class_id = await api.create_class(teacher)
    finished = await run_session(api, teacher, class_id)
    assert finished.done == {"classId": class_id, "message": "Attendance persisted", **counts()}


async def test_start_missing_class_is_404(api: Api) -> None:
    teacher = await api.teacher()
    fails(await start(api, teacher, {"classId": random_id()}), 404, CLASS_NOT_FOUND)


async def test_start_another_teachers_class_is_403(api: Api) -> None:
    stranger, class_id = await stranger_teacher_class(api)
    fails(await start(api, stranger, {"classId": class_id}), 403, NOT_CLASS_TEACHER)


@pytest.mark.parametrize("body", [{}, {"classId": NOT_A_UUID}, {"classId": 7}, []], ids=repr)
async def test_start_with_invalid_body_is_400(api: Api, body: Any) -> None:
    teacher = await api.teacher()
    fails(await start(api, teacher, body), 400, SCHEMA)


async def test_start_as_student_is_403(api: Api) -> None:
    _, class_id, (student,) = await api.classroom(1)
    fails(await start(api, student, {"classId": class_id}), 403, TEACHER_ONLY)


async def test_start_without_token_is_401(api: Api) -> None:
    _, class_id, _ = await api.classroom(0)
    fails(await start(api, None, {"classId": class_id}), 401, UNAUTHORIZED)


# --- GET /class/:id/my-attendance ----------------------------------------------------------------


async def test_my_attendance_is_null_before_any_finished_session(api: Api) -> None:
    teacher, class_id, (student,) = await api.classroom(1)
    assert ok(await my_attendance(api, student, class_id)) == {"classId": class_id, "status": None}
    await api.start(teacher, class_id)
    async with await api.ws(teacher) as socket:
        data = {"classId": class_id, "studentId": student.id, "status": "present"}
        await socket.request("ATTENDANCE_MARKED", data)
    assert ok(await my_attendance(api, student, class_id)) == {"classId": class_id, "status": None}


async def test_my_attendance_is_the_status_in_the_latest_finished_session(api: Api) -> None:
    teacher, class_id, (student, other) = await api.classroom(2)
    await run_session(api, teacher, class_id, {student.id: "late", other.id: "present"})
    expected = {"classId": class_id, "status": "late"}
    assert ok(await my_attendance(api, student, class_id)) == expected
    await run_session(api, teacher, class_id, {student.id: "excused"})
    expected = {"classId": class_id, "status": "excused"}
    assert ok(await my_attendance(api, student, class_id)) == expected
    expected = {"classId": class_id, "status": "absent"}
    assert ok(await my_attendance(api, other, class_id)) == expected


async def test_my_attendance_ignores_the_running_session(api: Api) -> None:
    teacher, class_id, (student,) = await api.classroom(1)
    await run_session(api, teacher, class_id, {student.id: "present"})
    await api.start(teacher, class_id)
    async with await api.ws(teacher) as socket:
        data = {"classId": class_id, "studentId": student.id, "status": "absent"}
        await socket.request("ATTENDANCE_MARKED", data)
    expected = {"classId": class_id, "status": "present"}
    assert ok(await my_attendance(api, student, class_id)) == expected


async def test_my_attendance_of_a_student_enrolled_after_the_session_is_null(api: Api) -> None:
    teacher, class_id, _ = await api.classroom(1)
    await run_session(api, teacher, class_id)
    newcomer = await api.student()
    await api.enroll(teacher, class_id, newcomer)
    expected = {"classId": class_id, "status": None}
    assert ok(await my_attendance(api, newcomer, class_id)) == expected


async def test_my_attendance_not_enrolled_is_403(api: Api) -> None:
    _, class_id, _ = await api.classroom(1)
    outsider = await api.student()
    fails(await my_attendance(api, outsider, class_id), 403, NOT_ENROLLED)


async def test_my_attendance_missing_class_is_404(api: Api) -> None:
    student = await api.student()
    for class_id in (random_id(), NOT_A_UUID):
        fails(await my_attendance(api, student, class_id), 404, CLASS_NOT_FOUND)


async def test_my_attendance_as_teacher_is_403(api: Api) -> None:
    teacher, class_id, _ = await api.classroom(1)
    fails(await my_attendance(api, teacher, class_id), 403, STUDENT_ONLY)


async def test_my_attendance_without_token_is_401(api: Api) -> None:
    _, class_id, _ = await api.classroom(1)
    fails(await api.request("GET", f"/class/{class_id}/my-attendance"), 401, UNAUTHORIZED)


# --- GET /class/:id/sessions ---------------------------------------------------------------------


async def test_sessions_of_a_class_without_sessions_is_empty(api: Api) -> None:
    teacher, class_id, _ = await api.classroom(1)
    assert ok(await api.request("GET", f"/class/{class_id}/sessions", teacher.token)) == []


async def test_sessions_are_newest_first_with_counts(api: Api) -> None:
    teacher, class_id, (ann, bob, cat) = await api.classroom(3)
    first = await run_session(api, teacher, class_id, {ann.id: "present", bob.id: "late"})
    second = await run_session(
        api, teacher, class_id, {ann.id: "excused", bob.id: "present", cat.id: "present"}
    )
    history = ok(await api.request("GET", f"/class/{class_id}/sessions", teacher.token))
    assert [entry["sessionId"] for entry in history] == [second.session_id, first.session_id]
    for entry, finished, summary in (
        (history[0], second, counts(present=2, excused=1)),
        (history[1], first, counts(present=1, late=1, absent=1)),
    ):
        assert entry == {
            "sessionId": finished.session_id,
            "startedAt": finished.started_at,
            "endedAt": entry["endedAt"],
            **summary,
        }
        assert is_timestamp(entry["endedAt"])
        assert entry["endedAt"] >= entry["startedAt"]
        assert finished.done == {
            "classId": class_id,
            "message": "Attendance persisted",
            **summary,
        }


async def test_sessions_as_another_teacher_is_403(api: Api) -> None:
    stranger, class_id = await stranger_teacher_class(api)
    response = await api.request("GET", f"/class/{class_id}/sessions", stranger.token)
    fails(response, 403, NOT_CLASS_TEACHER)


async def test_sessions_as_enrolled_student_is_403(api: Api) -> None:
    _, class_id, (student,) = await api.classroom(1)
    response = await api.request("GET", f"/class/{class_id}/sessions", student.token)
    fails(response, 403, TEACHER_ONLY)


async def test_sessions_of_missing_class_is_404(api: Api) -> None:
    teacher = await api.teacher()
    response = await api.request("GET", f"/class/{random_id()}/sessions", teacher.token)
    fails(response, 404, CLASS_NOT_FOUND)


async def test_sessions_without_token_is_401(api: Api) -> None:
    _, class_id, _ = await api.classroom(0)
    fails(await api.request("GET", f"/class/{class_id}/sessions"), 401, UNAUTHORIZED)


# --- GET /class/:id/attendance -------------------------------------------------------------------


async def attendance(api: Api, caller: Account, class_id: str, query: str = "") -> Any:
    return await api.request("GET", f"/class/{class_id}/attendance{query}", caller.token)


def by_id(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in rows}


async def test_attendance_of_a_class_without_sessions(api: Api) -> None:
    teacher, class_id, (student,) = await api.classroom(1)
    assert ok(await attendance(api, teacher, class_id)) == {
        "classId": class_id,
        "sessions": [],
        "students": [{**user_view(student), "statuses": [], "rate": None}],
    }


async def test_attendance_matrix_over_finished_sessions_oldest_first(api: Api) -> None:
    teacher, class_id, (ann, bob, cat) = await api.classroom(3)
    first = await run_session(
        api, teacher, class_id, {ann.id: "present", bob.id: "late", cat.id: "absent"}
    )
    newcomer = await api.student()
    await api.enroll(teacher, class_id, newcomer)
    second = await run_session(
        api, teacher, class_id, {ann.id: "present", cat.id: "excused", newcomer.id: "late"}
    )
    latecomer = await api.student()
    await api.enroll(teacher, class_id, latecomer)
    await api.start(teacher, class_id)
    matrix = ok(await attendance(api, teacher, class_id))
    assert matrix.keys() == {"classId", "sessions", "students"}
    assert matrix["classId"] == class_id
    assert matrix["sessions"] == [
        {"sessionId": first.session_id, "startedAt": first.started_at},
        {"sessionId": second.session_id, "startedAt": second.started_at},
    ]
    assert by_id(matrix["students"]) == by_id(
        [
            {**user_view(ann), "statuses": ["present", "present"], "rate": 1},
            {**user_view(bob), "statuses": ["late", "absent"], "rate": 0.5},
            {**user_view(cat), "statuses": ["absent", "excused"], "rate": 0},
            {**user_view(newcomer), "statuses": [None, "late"], "rate": 1},
            {**user_view(latecomer), "statuses": [None, None], "rate": None},
        ]
    )
    assert len(matrix["students"]) == 5


async def test_attendance_as_another_teacher_is_403(api: Api) -> None:
    stranger, class_id = await stranger_teacher_class(api)
    fails(await attendance(api, stranger, class_id), 403, NOT_CLASS_TEACHER)


async def test_attendance_as_enrolled_student_is_403(api: Api) -> None:
    _, class_id, (student,) = await api.classroom(1)
    fails(await attendance(api, student, class_id), 403, TEACHER_ONLY)


async def test_attendance_of_missing_class_is_404(api: Api) -> None:
    teacher = await api.teacher()
    fails(await attendance(api, teacher, random_id()), 404, CLASS_NOT_FOUND)


async def test_attendance_without_token_is_401(api: Api) -> None:
    _, class_id, _ = await api.classroom(0)
    fails(await api.request("GET", f"/class/{class_id}/attendance"), 401, UNAUTHORIZED)


async def test_my_history_lists_every_finished_roll_call(api: Api) -> None:
    teacher, class_id, (student,) = await api.classroom(1)
    for status in ("late", None):
        await api.start(teacher, class_id)
        async with await api.ws(teacher) as socket:
            if status:
                await socket.request(
                    "ATTENDANCE_MARKED", {"studentId": student.id, "status": status}
                )
            await socket.request("DONE")
    response = await api.request("GET", f"/class/{class_id}/my-history", student.token)
    history = response.json()["data"]
    assert [row["status"] for row in history] == ["absent", "late"]
    assert history[0]["startedAt"] > history[1]["startedAt"]
    assert all(row["endedAt"] >= row["startedAt"] for row in history)
    stranger = await api.student()
    denied = await api.request("GET", f"/class/{class_id}/my-history", stranger.token)
    assert denied.json() == {"success": False, "error": "Forbidden, not enrolled in class"}
    teacher_asks = await api.request("GET", f"/class/{class_id}/my-history", teacher.token)
    assert teacher_asks.status_code == 403
