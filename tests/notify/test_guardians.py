"""Guardians (docs/notify.md §1): linked by an administrator, reading and hearing their
children and nothing else. Black box, on every backend."""

from __future__ import annotations

import pytest

from tests.contract.helpers import (
    CLASS_NOT_FOUND,
    NOT_CLASS_TEACHER,
    STUDENT_NOT_FOUND,
    STUDENT_ONLY,
    TEACHER_ONLY,
    UNAUTHORIZED,
    USER_NOT_FOUND,
    fails,
    ok,
    random_id,
    run_session,
)
from tests.support.client import Account, Api, Socket

ADMIN_ONLY = "Forbidden, admin access required"
GUARDIAN_ONLY = "Forbidden, guardian access required"
TEACHER_EVENT = "Forbidden, teacher event only"


def bearer(account: Account) -> str:
    return f"Bearer {account.token}"


def entry(account: Account) -> dict[str, str]:
    return {"id": account.id, "name": account.name, "email": account.email}


async def link(api: Api, admin: Account, guardian: Account, student: Account) -> list[object]:
    path = f"/admin/guardians/{guardian.id}/students/{student.id}"
    return list(ok(await api.request("POST", path, bearer(admin))))


@pytest.fixture
async def family(api: Api) -> tuple[Account, Account, Account, str, list[Account]]:
    """An administrator, a guardian of the first of two students, their teacher and class."""
    admin = await api.admin()
    guardian = await api.account(admin, "guardian")
    teacher, class_id, students = await api.classroom(2)
    await link(api, admin, guardian, students[0])
    return admin, guardian, teacher, class_id, students


async def test_an_administrator_links_lists_and_unlinks(api: Api) -> None:
    admin = await api.admin()
    guardian = await api.account(admin, "guardian")
    first, second = await api.student(), await api.student()
    base = f"/admin/guardians/{guardian.id}/students"
    assert ok(await api.request("GET", base, bearer(admin))) == []
    assert await link(api, admin, guardian, first) == [entry(first)]
    # Linking twice is harmless.
    assert await link(api, admin, guardian, first) == [entry(first)]
    both = sorted([entry(first), entry(second)], key=lambda e: (e["name"], e["id"]))
    assert await link(api, admin, guardian, second) == both
    assert ok(await api.request("GET", base, bearer(admin))) == both
    removed = await api.request("DELETE", f"{base}/{first.id}", bearer(admin))
    assert ok(removed) == [entry(second)]
    again = await api.request("DELETE", f"{base}/{first.id}", bearer(admin))
    fails(again, 404, STUDENT_NOT_FOUND)


async def test_links_name_a_guardian_and_a_student_of_the_schools(api: Api) -> None:
    admin = await api.admin()
    guardian = await api.account(admin, "guardian")
    student, teacher = await api.student(), await api.teacher()
    cases = [
        (f"/admin/guardians/{random_id()}/students/{student.id}", USER_NOT_FOUND),
        (f"/admin/guardians/not-a-uuid/students/{student.id}", USER_NOT_FOUND),
        (f"/admin/guardians/{student.id}/students/{student.id}", USER_NOT_FOUND),
        (f"/admin/guardians/{guardian.id}/students/{teacher.id}", STUDENT_NOT_FOUND),
        (f"/admin/guardians/{guardian.id}/students/not-a-uuid", STUDENT_NOT_FOUND),
        (f"/admin/guardians/{guardian.id}/students/{random_id()}", STUDENT_NOT_FOUND),
    ]
    for path, message in cases:
        fails(await api.request("POST", path, bearer(admin)), 404, message)
    fails(
        await api.request("GET", f"/admin/guardians/{teacher.id}/students", bearer(admin)),
        404,
        USER_NOT_FOUND,
    )
    path = f"/admin/guardians/{guardian.id}/students/{student.id}"
    fails(await api.request("POST", path), 401, UNAUTHORIZED)
    for caller in (teacher, student, guardian):
        for method in ("POST", "DELETE"):
            fails(await api.request(method, path, bearer(caller)), 403, ADMIN_ONLY)
        listing = f"/admin/guardians/{guardian.id}/students"
        fails(await api.request("GET", listing, bearer(caller)), 403, ADMIN_ONLY)


async def test_a_guardian_reads_their_children_and_their_history(
    api: Api, family: tuple[Account, Account, Account, str, list[Account]]
) -> None:
    _, guardian, teacher, class_id, (child, classmate) = family
    children = ok(await api.request("GET", "/guardian/children", bearer(guardian)))
    assert children == [{**entry(child), "classes": [{"id": class_id, "className": "Physics 101"}]}]
    base = f"/guardian/children/{child.id}"
    never = ok(await api.request("GET", f"{base}/attendance", bearer(guardian)))
    assert never == [{"classId": class_id, "className": "Physics 101", "status": None}]
    assert (
        ok(await api.request("GET", f"{base}/classes/{class_id}/history", bearer(guardian))) == []
    )
    first = await run_session(api, teacher, class_id, {child.id: "late"})
    second = await run_session(api, teacher, class_id, {classmate.id: "present"})
    latest = ok(await api.request("GET", f"{base}/attendance", bearer(guardian)))
    assert latest == [{"classId": class_id, "className": "Physics 101", "status": "absent"}]
    history = ok(await api.request("GET", f"{base}/classes/{class_id}/history", bearer(guardian)))
    assert [(h["sessionId"], h["status"]) for h in history] == [
        (second.session_id, "absent"),
        (first.session_id, "late"),
    ]


async def test_a_guardian_reads_nothing_that_is_not_their_childs(
    api: Api, family: tuple[Account, Account, Account, str, list[Account]]
) -> None:
    _, guardian, teacher, class_id, (child, classmate) = family
    other_class = await api.create_class(teacher, "Other")
    for student_id in (classmate.id, random_id(), "not-a-uuid"):
        base = f"/guardian/children/{student_id}"
        fails(
            await api.request("GET", f"{base}/attendance", bearer(guardian)), 404, STUDENT_NOT_FOUND
        )
        fails(
            await api.request("GET", f"{base}/classes/{class_id}/history", bearer(guardian)),
            404,
            STUDENT_NOT_FOUND,
        )
    base = f"/guardian/children/{child.id}/classes"
    for missing in (other_class, random_id(), "not-a-uuid"):
        fails(
            await api.request("GET", f"{base}/{missing}/history", bearer(guardian)),
            404,
            CLASS_NOT_FOUND,
        )
    fails(await api.request("GET", "/guardian/children"), 401, UNAUTHORIZED)
    for caller in (teacher, child):
        fails(await api.request("GET", "/guardian/children", bearer(caller)), 403, GUARDIAN_ONLY)
        path = f"/guardian/children/{child.id}/attendance"
        fails(await api.request("GET", path, bearer(caller)), 403, GUARDIAN_ONLY)


async def test_teacher_student_and_admin_routes_refuse_a_guardian(
    api: Api, family: tuple[Account, Account, Account, str, list[Account]]
) -> None:
    _, guardian, _, class_id, (child, _) = family
    g = bearer(guardian)
    fails(await api.request("POST", "/class", g, json={"className": "x"}), 403, TEACHER_ONLY)
    fails(await api.request("GET", "/students", g), 403, TEACHER_ONLY)
    fails(await api.request("GET", f"/class/{class_id}/sessions", g), 403, TEACHER_ONLY)
    fails(
        await api.request("POST", "/attendance/start", g, json={"classId": class_id}),
        403,
        TEACHER_ONLY,
    )
    fails(await api.request("GET", f"/class/{class_id}/my-attendance", g), 403, STUDENT_ONLY)
    fails(await api.request("GET", f"/class/{class_id}", g), 403, NOT_CLASS_TEACHER)
    fails(await api.request("GET", "/admin/users", g), 403, ADMIN_ONLY)
    assert ok(await api.request("GET", "/classes", g)) == []
    assert child.id  # the child's own classes are read through /guardian only


async def test_a_guardian_hears_only_their_childs_marks(
    api: Api, family: tuple[Account, Account, Account, str, list[Account]]
) -> None:
    _, guardian, teacher, class_id, (child, classmate) = family
    await api.start(teacher, class_id)
    async with await api.ws(guardian) as listening, await api.ws(teacher) as marking:
        for student, status in ((classmate, "present"), (child, "late")):
            data = {"classId": class_id, "studentId": student.id, "status": status}
            assert await marking.request("ATTENDANCE_MARKED", data) == {
                "event": "ATTENDANCE_MARKED",
                "data": data,
            }
        heard = await listening.receive()
        assert heard == {
            "event": "ATTENDANCE_MARKED",
            "data": {"classId": class_id, "studentId": child.id, "status": "late"},
        }
        await marking.request("TODAY_SUMMARY", {"classId": class_id})
        await marking.request("DONE", {"classId": class_id})
        await listening.expect_silence()
        mark = {"classId": class_id, "studentId": child.id, "status": "present"}
        refused = await listening.request("ATTENDANCE_MARKED", mark)
        assert refused == {"event": "ERROR", "data": {"message": TEACHER_EVENT}}


async def _heard_before(
    listening: Socket, marking: Socket, class_id: str, sentinel: Account
) -> list[str]:
    """Mark `sentinel` and return the students the guardian heard about before it: the
    guardian hears the sentinel, and messages of one class arrive in order."""
    mark = {"classId": class_id, "studentId": sentinel.id, "status": "present"}
    await marking.request("ATTENDANCE_MARKED", mark)
    heard: list[str] = []
    while (message := await listening.receive())["data"]["studentId"] != sentinel.id:
        heard.append(message["data"]["studentId"])
    return heard


async def test_linking_and_unlinking_reach_an_open_socket(api: Api) -> None:
    admin = await api.admin()
    guardian = await api.account(admin, "guardian")
    teacher, class_id, (child, sentinel) = await api.classroom(2)
    await link(api, admin, guardian, sentinel)
    await api.start(teacher, class_id)
    path = f"/admin/guardians/{guardian.id}/students/{child.id}"
    data = {"classId": class_id, "studentId": child.id, "status": "present"}
    async with await api.ws(guardian) as listening, await api.ws(teacher) as marking:
        await marking.request("ATTENDANCE_MARKED", data)
        assert await _heard_before(listening, marking, class_id, sentinel) == []
        ok(await api.request("POST", path, bearer(admin)))
        # The link reaches the socket once its hub has loaded the children again.
        for _ in range(50):
            await marking.request("ATTENDANCE_MARKED", data)
            if await _heard_before(listening, marking, class_id, sentinel):
                break
        else:
            raise AssertionError("the linked child's marks never reached the guardian")
        ok(await api.request("DELETE", path, bearer(admin)))
        await marking.request("ATTENDANCE_MARKED", {**data, "status": "excused"})
        assert await _heard_before(listening, marking, class_id, sentinel) == []


async def test_a_childs_enrolment_reaches_an_open_socket(api: Api) -> None:
    admin = await api.admin()
    guardian = await api.account(admin, "guardian")
    teacher = await api.teacher()
    class_id = await api.create_class(teacher, "Enrolled later")
    child = await api.student()
    await link(api, admin, guardian, child)
    await api.start(teacher, class_id)
    data = {"classId": class_id, "studentId": child.id, "status": "present"}
    async with await api.ws(guardian) as listening, await api.ws(teacher) as marking:
        # The child joins a class after the guardian connected: its marks reach them.
        await api.enroll(teacher, class_id, child)
        for _ in range(50):
            await marking.request("ATTENDANCE_MARKED", data)
            try:
                heard = await listening.receive(wait=0.2)
            except TimeoutError:
                continue
            assert heard == {"event": "ATTENDANCE_MARKED", "data": data}
            break
        else:
            raise AssertionError("the newly enrolled child's marks never reached the guardian")
