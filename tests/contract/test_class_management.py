"""docs/roster.md §5: renaming, archiving and restoring classes, bulk enrolment and unenrolment."""

from __future__ import annotations

from typing import Any

from tests.contract.helpers import STUDENT_NOT_FOUND, fails, ok, random_id, run_session
from tests.support.client import Account, Api

ARCHIVED = "Class is archived"
IN_PROGRESS = "Attendance session in progress"


async def enrol(api: Api, teacher: Account, class_id: str, ids: list[str]) -> Any:
    path = f"/class/{class_id}/students"
    return await api.request("POST", path, teacher.token, json={"studentIds": ids})


async def listed(api: Api, caller: Account, query: str = "") -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in ok(await api.request("GET", f"/classes{query}", caller.token))}


async def test_rename_archive_and_restore(api: Api) -> None:
    teacher = await api.teacher()
    class_id = await api.create_class(teacher)
    renamed = ok(
        await api.request("PATCH", f"/class/{class_id}", teacher.token, json={"className": "Bio"})
    )
    assert renamed == {
        "id": class_id,
        "className": "Bio",
        "teacherId": teacher.id,
        "studentIds": [],
    }
    archived = ok(await api.request("DELETE", f"/class/{class_id}", teacher.token))
    assert archived == renamed
    ok(await api.request("DELETE", f"/class/{class_id}", teacher.token))  # twice is harmless
    assert class_id not in await listed(api, teacher)
    assert (await listed(api, teacher, "?archived=true"))[class_id]["archived"] is True
    start = {"classId": class_id}
    fails(await api.request("POST", "/attendance/start", teacher.token, json=start), 409, ARCHIVED)
    restore = {"archived": False}
    ok(await api.request("PATCH", f"/class/{class_id}", teacher.token, json=restore))
    assert class_id in await listed(api, teacher)
    assert (await listed(api, teacher, "?archived=true"))[class_id]["archived"] is False


async def test_archive_during_a_roll_call_is_refused(api: Api) -> None:
    teacher = await api.teacher()
    class_id = await api.create_class(teacher)
    await api.start(teacher, class_id)
    fails(await api.request("DELETE", f"/class/{class_id}", teacher.token), 409, IN_PROGRESS)


async def test_bulk_enrolment_keeps_the_order_of_the_list(api: Api) -> None:
    teacher = await api.teacher()
    class_id = await api.create_class(teacher)
    students = [await api.student() for _ in range(6)]
    ids = sorted((s.id for s in students), reverse=True)
    assert ok(await enrol(api, teacher, class_id, ids))["studentIds"] == ids
    view = ok(await api.request("GET", f"/class/{class_id}", teacher.token))
    assert [s["id"] for s in view["students"]] == ids


async def test_bulk_enrolment_is_all_or_nothing(api: Api) -> None:
    teacher = await api.teacher()
    class_id = await api.create_class(teacher)
    student = await api.student()
    fails(await enrol(api, teacher, class_id, [student.id, random_id()]), 404, STUDENT_NOT_FOUND)
    other_teacher = await api.teacher()
    fails(
        await enrol(api, teacher, class_id, [student.id, other_teacher.id]), 404, STUDENT_NOT_FOUND
    )
    assert ok(await api.request("GET", f"/class/{class_id}", teacher.token))["students"] == []


async def test_too_many_students(api: Api) -> None:
    teacher = await api.teacher()
    class_id = await api.create_class(teacher)
    ids = [random_id() for _ in range(1001)]
    fails(await enrol(api, teacher, class_id, ids), 400, "Too many students")


async def test_unenrolled_student_keeps_marks_in_history(api: Api) -> None:
    teacher, class_id, (kept, gone) = await api.classroom(2)
    await run_session(api, teacher, class_id, {kept.id: "present", gone.id: "late"})
    after = ok(await api.request("DELETE", f"/class/{class_id}/students/{gone.id}", teacher.token))
    assert after["studentIds"] == [kept.id]
    again = await api.request("DELETE", f"/class/{class_id}/students/{gone.id}", teacher.token)
    fails(again, 404, STUDENT_NOT_FOUND)
    matrix = ok(await api.request("GET", f"/class/{class_id}/attendance", teacher.token))
    assert [s["id"] for s in matrix["students"]] == [kept.id, gone.id]


async def test_enrolling_into_an_archived_class_is_refused(api: Api) -> None:
    teacher = await api.teacher()
    class_id = await api.create_class(teacher)
    student = await api.student()
    ok(await api.request("DELETE", f"/class/{class_id}", teacher.token))
    fails(await enrol(api, teacher, class_id, [student.id]), 409, ARCHIVED)
    single = {"studentId": student.id}
    path = f"/class/{class_id}/add-student"
    fails(await api.request("POST", path, teacher.token, json=single), 409, ARCHIVED)
