"""SPEC §3: creating classes, enrolling, reading a class, listing students and classes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contract.helpers import (
    CLASS_NOT_FOUND,
    NOT_A_UUID,
    NOT_CLASS_TEACHER,
    SCHEMA,
    STUDENT_NOT_FOUND,
    TEACHER_ONLY,
    UNAUTHORIZED,
    fails,
    is_uuid,
    ok,
    random_id,
    run_session,
    stranger_teacher_class,
    tag,
    user_view,
)
from tests.support.client import Account, Api


async def add_student(api: Api, caller: Account, class_id: str, student_id: Any) -> Any:
    path = f"/class/{class_id}/add-student"
    return await api.request("POST", path, caller.token, json={"studentId": student_id})


async def students_page(api: Api, caller: Account, query: str) -> Any:
    return await api.request("GET", f"/students?{query}", caller.token)


async def named_students(api: Api, marker: str, count: int) -> list[Account]:
    """`count` students, oldest first, whose names (and nothing else) contain `marker`."""
    return [await api.signup("student", name=f"Pupil {marker} {n}") for n in range(count)]


async def my_classes(api: Api, caller: Account) -> dict[str, dict[str, Any]]:
    classes = ok(await api.request("GET", "/classes", caller.token))
    assert isinstance(classes, list)
    return {entry["id"]: entry for entry in classes}


# --- POST /class ---------------------------------------------------------------------------------


async def test_create_class(api: Api) -> None:
    teacher = await api.teacher()
    response = await api.request("POST", "/class", teacher.token, json={"className": "Chemistry"})
    created = ok(response, 201)
    assert created == {
        "id": created["id"],
        "className": "Chemistry",
        "teacherId": teacher.id,
        "studentIds": [],
    }
    assert is_uuid(created["id"])


async def test_create_class_as_student_is_403(api: Api) -> None:
    student = await api.student()
    response = await api.request("POST", "/class", student.token, json={"className": "Chemistry"})
    fails(response, 403, TEACHER_ONLY)


async def test_create_class_without_token_is_401(api: Api) -> None:
    fails(await api.request("POST", "/class", json={"className": "Chemistry"}), 401, UNAUTHORIZED)


# --- POST /class/:id/add-student -----------------------------------------------------------------


async def test_add_student_returns_the_class(api: Api) -> None:
    teacher = await api.teacher()
    class_id = await api.create_class(teacher, "Biology")
    student = await api.student()
    assert ok(await add_student(api, teacher, class_id, student.id)) == {
        "id": class_id,
        "className": "Biology",
        "teacherId": teacher.id,
        "studentIds": [student.id],
    }


async def test_add_student_twice_keeps_one_entry_in_enrolment_order(api: Api) -> None:
    teacher = await api.teacher()
    class_id = await api.create_class(teacher)
    first, second, third = [await api.student() for _ in range(3)]
    for student in (second, first, third, second, first):
        response = await add_student(api, teacher, class_id, student.id)
    assert ok(response)["studentIds"] == [second.id, first.id, third.id]


async def test_add_student_to_missing_class_is_404(api: Api) -> None:
    teacher = await api.teacher()
    student = await api.student()
    for class_id in (random_id(), NOT_A_UUID):
        fails(await add_student(api, teacher, class_id, student.id), 404, CLASS_NOT_FOUND)


async def test_add_student_to_another_teachers_class_is_403(api: Api) -> None:
    stranger, class_id = await stranger_teacher_class(api)
    student = await api.student()
    fails(await add_student(api, stranger, class_id, student.id), 403, NOT_CLASS_TEACHER)


async def test_add_missing_student_is_404(api: Api) -> None:
    teacher = await api.teacher()
    class_id = await api.create_class(teacher)
    fails(await add_student(api, teacher, class_id, random_id()), 404, STUDENT_NOT_FOUND)


async def test_add_a_teacher_as_student_is_404(api: Api) -> None:
    teacher = await api.teacher()
    class_id = await api.create_class(teacher)
    colleague = await api.teacher()
    for teacher_id in (colleague.id, teacher.id):
        fails(await add_student(api, teacher, class_id, teacher_id), 404, STUDENT_NOT_FOUND)


@pytest.mark.parametrize("student_id", [NOT_A_UUID, 42, None, ["x"]], ids=repr)
async def test_add_student_with_invalid_id_is_400(api: Api, student_id: Any) -> None:
    teacher = await api.teacher()
    class_id = await api.create_class(teacher)
    fails(await add_student(api, teacher, class_id, student_id), 400, SCHEMA)


async def test_add_student_as_student_is_403(api: Api) -> None:
    _, class_id, (student,) = await api.classroom(1)
    fails(await add_student(api, student, class_id, student.id), 403, TEACHER_ONLY)


async def test_add_student_without_token_is_401(api: Api) -> None:
    _, class_id, (student,) = await api.classroom(1)
    path = f"/class/{class_id}/add-student"
    response = await api.request("POST", path, json={"studentId": student.id})
    fails(response, 401, UNAUTHORIZED)


# --- GET /class/:id ------------------------------------------------------------------------------


async def test_get_class_lists_students_in_enrolment_order(api: Api) -> None:
    teacher = await api.teacher()
    class_id = await api.create_class(teacher, "History")
    first, second = await api.student(), await api.student()
    for student in (second, first):
        await api.enroll(teacher, class_id, student)
    expected = {
        "id": class_id,
        "className": "History",
        "teacherId": teacher.id,
        "students": [user_view(second), user_view(first)],
    }
    assert ok(await api.request("GET", f"/class/{class_id}", teacher.token)) == expected
    # A student sees classmates by name only; their own entry keeps the e-mail (SPEC §3).
    named = [{"id": s.id, "name": s.name} for s in (second, first)]
    for index, caller in ((1, first), (0, second)):
        students = [dict(entry) for entry in named]
        students[index] = user_view(caller)
        detail = ok(await api.request("GET", f"/class/{class_id}", caller.token))
        assert detail == {**expected, "students": students}


async def test_get_class_with_no_students(api: Api) -> None:
    teacher = await api.teacher()
    class_id = await api.create_class(teacher, "Empty")
    detail = ok(await api.request("GET", f"/class/{class_id}", teacher.token))
    assert detail == {"id": class_id, "className": "Empty", "teacherId": teacher.id, "students": []}


async def test_get_class_as_another_teacher_is_403(api: Api) -> None:
    stranger, class_id = await stranger_teacher_class(api)
    response = await api.request("GET", f"/class/{class_id}", stranger.token)
    fails(response, 403, NOT_CLASS_TEACHER)


async def test_get_class_as_non_enrolled_student_is_403(api: Api) -> None:
    _, class_id, _ = await api.classroom(1)
    outsider = await api.student()
    response = await api.request("GET", f"/class/{class_id}", outsider.token)
    fails(response, 403, NOT_CLASS_TEACHER)


async def test_get_missing_class_is_404(api: Api) -> None:
    student = await api.student()
    fails(await api.request("GET", f"/class/{random_id()}", student.token), 404, CLASS_NOT_FOUND)


async def test_get_class_without_token_is_401(api: Api) -> None:
    _, class_id, _ = await api.classroom(0)
    fails(await api.request("GET", f"/class/{class_id}"), 401, UNAUTHORIZED)


# --- GET /students -------------------------------------------------------------------------------


async def test_students_lists_every_student_oldest_first(api: Api) -> None:
    marker = tag()
    created = await named_students(api, marker, 3)
    teacher = await api.teacher()
    everyone = ok(await api.request("GET", "/students", teacher.token))
    mine = [entry for entry in everyone if marker in entry["name"]]
    assert mine == [user_view(student) for student in created]
    assert all(entry.keys() == {"id", "name", "email"} for entry in everyone)
    assert teacher.id not in {entry["id"] for entry in everyone}


async def test_students_q_matches_name_case_insensitively(api: Api) -> None:
    marker = tag()
    created = await named_students(api, marker, 2)
    teacher = await api.teacher()
    page = ok(await students_page(api, teacher, f"q={marker.upper()}"))
    assert page == [user_view(student) for student in created]


async def test_students_q_matches_email_case_insensitively(api: Api) -> None:
    student = await api.student()
    teacher = await api.teacher()
    page = ok(await students_page(api, teacher, f"q={student.email.upper()}"))
    assert page == [user_view(student)]


async def test_students_q_never_matches_teachers(api: Api) -> None:
    teacher = await api.teacher()
    assert ok(await students_page(api, teacher, f"q={teacher.email}")) == []


async def test_students_limit_and_offset(api: Api) -> None:
    marker = tag()
    created = [user_view(student) for student in await named_students(api, marker, 3)]
    teacher = await api.teacher()
    pages = {
        "limit=2": created[:2],
        "limit=1&offset=1": created[1:2],
        "offset=2": created[2:],
        "offset=3": [],
        "limit=500&offset=0": created,
        "limit=1": created[:1],
    }
    for query, expected in pages.items():
        assert ok(await students_page(api, teacher, f"q={marker}&{query}")) == expected, query


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=501", "limit=-1", "limit=abc", "offset=-1", "offset=abc"]
)
async def test_students_with_invalid_paging_is_400(api: Api, query: str) -> None:
    teacher = await api.teacher()
    fails(await students_page(api, teacher, query), 400, SCHEMA)


async def test_students_as_student_is_403(api: Api) -> None:
    student = await api.student()
    fails(await api.request("GET", "/students", student.token), 403, TEACHER_ONLY)


async def test_students_without_token_is_401(api: Api) -> None:
    fails(await api.request("GET", "/students"), 401, UNAUTHORIZED)


# --- GET /classes --------------------------------------------------------------------------------


async def test_classes_of_a_teacher(api: Api) -> None:
    teacher, class_id, _ = await api.classroom(2)
    empty_id = await api.create_class(teacher, "Empty")
    await stranger_teacher_class(api)
    assert await my_classes(api, teacher) == {
        class_id: {
            "id": class_id,
            "className": "Physics 101",
            "teacherId": teacher.id,
            "studentCount": 2,
            "activeSession": None,
        },
        empty_id: {
            "id": empty_id,
            "className": "Empty",
            "teacherId": teacher.id,
            "studentCount": 0,
            "activeSession": None,
        },
    }


async def test_classes_of_a_student_are_the_enrolled_ones(api: Api) -> None:
    teacher, class_id, (student, _) = await api.classroom(2)
    other_teacher = await api.teacher()
    other_id = await api.create_class(other_teacher, "Art")
    await api.enroll(other_teacher, other_id, student)
    await api.create_class(teacher, "Not enrolled")
    classes = await my_classes(api, student)
    assert classes == {
        class_id: {
            "id": class_id,
            "className": "Physics 101",
            "teacherId": teacher.id,
            "studentCount": 2,
            "activeSession": None,
        },
        other_id: {
            "id": other_id,
            "className": "Art",
            "teacherId": other_teacher.id,
            "studentCount": 1,
            "activeSession": None,
        },
    }


@pytest.mark.parametrize("role", ["teacher", "student"])
async def test_classes_of_a_new_user_is_empty(api: Api, role: str) -> None:
    account = await api.signup(role)
    assert ok(await api.request("GET", "/classes", account.token)) == []


async def test_classes_show_the_active_session_until_it_ends(api: Api) -> None:
    teacher, class_id, (student,) = await api.classroom(1)
    started = await api.start(teacher, class_id)
    active = {"sessionId": started["sessionId"], "startedAt": started["startedAt"]}
    for caller in (teacher, student):
        assert (await my_classes(api, caller))[class_id]["activeSession"] == active
    await run_session(api, teacher, class_id)
    for caller in (teacher, student):
        assert (await my_classes(api, caller))[class_id]["activeSession"] is None


async def test_classes_without_token_is_401(api: Api) -> None:
    fails(await api.request("GET", "/classes"), 401, UNAUTHORIZED)


async def test_a_connected_student_who_is_added_receives_live_events_at_once(api: Api) -> None:
    teacher = await api.teacher()
    class_id = await api.create_class(teacher)
    student, outsider = await api.student(), await api.student()
    async with (
        await api.ws(student) as student_socket,
        await api.ws(outsider) as outsider_socket,
        await api.ws(teacher) as teacher_socket,
    ):
        await api.enroll(teacher, class_id, student)
        session = await api.start(teacher, class_id)
        opened = {"event": "SESSION_STARTED", "data": session}
        assert await teacher_socket.receive() == opened
        assert await student_socket.receive() == opened
        data = {"classId": class_id, "studentId": student.id, "status": "present"}
        expected = {"event": "ATTENDANCE_MARKED", "data": data}
        assert await teacher_socket.request("ATTENDANCE_MARKED", data) == expected
        assert await student_socket.receive() == expected
        await outsider_socket.expect_silence()
