"""docs/roster.md §1: another school's classes, users and students answer as if they did not
exist; its administrator manages its classes as their teacher does."""

from __future__ import annotations

from tests.contract.helpers import CLASS_NOT_FOUND, STUDENT_NOT_FOUND, USER_NOT_FOUND, fails, ok
from tests.support.client import Api
from tests.support.schools import member, school_with_admin


async def test_another_schools_class_is_not_found(api: Api) -> None:
    teacher, class_id, _ = await api.classroom(1)
    other = await school_with_admin(api)
    stranger = await member(api, other, "teacher")
    for caller in (stranger, other.admin):
        fails(await api.request("GET", f"/class/{class_id}", caller.token), 404, CLASS_NOT_FOUND)
        rename = {"className": "Taken"}
        patch = await api.request("PATCH", f"/class/{class_id}", caller.token, json=rename)
        fails(patch, 404, CLASS_NOT_FOUND)
        start = await api.request(
            "POST", "/attendance/start", caller.token, json={"classId": class_id}
        )
        fails(start, 404, CLASS_NOT_FOUND)
    assert ok(await api.request("GET", f"/class/{class_id}", teacher.token))["className"]


async def test_another_schools_student_and_user_are_not_found(api: Api) -> None:
    teacher = await api.teacher()
    class_id = await api.create_class(teacher)
    other = await school_with_admin(api)
    outsider = await member(api, other, "student")
    body = {"studentIds": [outsider.id]}
    enrol = await api.request("POST", f"/class/{class_id}/students", teacher.token, json=body)
    fails(enrol, 404, STUDENT_NOT_FOUND)
    path = f"/admin/users/{teacher.id}"
    fails(
        await api.request("PATCH", path, other.admin.token, json={"active": False}),
        404,
        USER_NOT_FOUND,
    )
    listed = ok(await api.request("GET", "/admin/users", other.admin.token))
    assert {u["id"] for u in listed} == {other.admin.id, outsider.id}


async def test_administrator_manages_their_schools_classes(api: Api) -> None:
    school = await school_with_admin(api)
    teacher = await member(api, school, "teacher")
    class_id = await api.create_class(teacher)
    view = ok(await api.request("GET", f"/class/{class_id}", school.admin.token))
    assert view["id"] == class_id
    started = await api.start(school.admin, class_id)
    assert started["classId"] == class_id


async def test_administrator_acts_on_a_running_roll_call_as_its_teacher(api: Api) -> None:
    school = await school_with_admin(api)
    teacher = await member(api, school, "teacher")
    student = await member(api, school, "student")
    class_id = await api.create_class(teacher)
    await api.enroll(teacher, class_id, student)
    await api.start(teacher, class_id)
    code = await api.request("GET", f"/attendance/code?classId={class_id}", school.admin.token)
    assert ok(code)["code"]
    async with await api.ws(school.admin) as socket:
        data = {"classId": class_id, "studentId": student.id, "status": "present"}
        assert await socket.request("ATTENDANCE_MARKED", data) == {
            "event": "ATTENDANCE_MARKED",
            "data": data,
        }
        done = await socket.request("DONE", {"classId": class_id})
    assert done["event"] == "DONE", done


async def test_a_connected_administrator_hears_classes_created_or_restored_later(
    api: Api,
) -> None:
    school = await school_with_admin(api)
    teacher = await member(api, school, "teacher")
    archived = await api.create_class(teacher)
    ok(await api.request("DELETE", f"/class/{archived}", teacher.token))
    async with await api.ws(school.admin) as socket:
        class_id = await api.create_class(teacher)
        session = await api.start(teacher, class_id)
        assert await socket.receive() == {"event": "SESSION_STARTED", "data": session}
        restore = {"archived": False}
        ok(await api.request("PATCH", f"/class/{archived}", teacher.token, json=restore))
        session = await api.start(teacher, archived)
        assert await socket.receive() == {"event": "SESSION_STARTED", "data": session}
