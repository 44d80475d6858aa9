"""GET /class/:id is served from each process's memory, and a change made on one process is
seen on the other once the bus has told it: never a stale class or roster after the message.

`heard_on_b` waits for that message without timing: A's bus messages leave in order on one
connection, so once B has acted on a later one (a log-out closing a socket it holds), it has
acted on every one before."""

from __future__ import annotations

from typing import Any

from tests.contract.helpers import NOT_CLASS_TEACHER, fails, ok
from tests.scale.conftest import Cluster
from tests.scale.test_roster_two_processes import closed_for_policy
from tests.support.client import Account, Api
from tests.support.schools import member, school_with_admin


async def heard_on_b(cluster: Cluster) -> None:
    """Returns once B has applied everything A published so far."""
    beacon = await cluster.a.student()
    async with await cluster.b.ws(beacon) as socket:
        assert ok(await cluster.a.request("POST", "/auth/logout", beacon.token)) is None
        await closed_for_policy(socket)


async def detail(api: Api, who: Account, class_id: str) -> Any:
    return ok(await api.request("GET", f"/class/{class_id}", who.token))


def roster(detail: Any) -> list[str]:
    return [student["id"] for student in detail["students"]]


async def test_an_enrolment_on_one_process_is_read_on_the_other(cluster: Cluster) -> None:
    teacher, class_id, [first] = await cluster.a.classroom(1)
    assert roster(await detail(cluster.b, teacher, class_id)) == [first.id]
    second = await cluster.a.student()
    path = f"/class/{class_id}"
    fails(await cluster.b.request("GET", path, second.token), 403, NOT_CLASS_TEACHER)
    await cluster.a.enroll(teacher, class_id, second)
    await heard_on_b(cluster)
    assert roster(await detail(cluster.b, teacher, class_id)) == [first.id, second.id]
    assert roster(await detail(cluster.b, second, class_id)) == [first.id, second.id]


async def test_an_unenrolment_on_one_process_is_read_on_the_other(cluster: Cluster) -> None:
    teacher, class_id, [kept, gone] = await cluster.a.classroom(2)
    assert roster(await detail(cluster.b, gone, class_id)) == [kept.id, gone.id]
    ok(await cluster.a.request("DELETE", f"/class/{class_id}/students/{gone.id}", teacher.token))
    await heard_on_b(cluster)
    assert roster(await detail(cluster.b, teacher, class_id)) == [kept.id]
    path = f"/class/{class_id}"
    fails(await cluster.b.request("GET", path, gone.token), 403, NOT_CLASS_TEACHER)


async def test_a_rename_on_one_process_is_read_on_the_other(cluster: Cluster) -> None:
    teacher, class_id, _ = await cluster.a.classroom(1)
    assert (await detail(cluster.b, teacher, class_id))["className"] == "Physics 101"
    body = {"className": "Biology"}
    ok(await cluster.a.request("PATCH", f"/class/{class_id}", teacher.token, json=body))
    await heard_on_b(cluster)
    assert (await detail(cluster.b, teacher, class_id))["className"] == "Biology"


async def test_a_students_new_name_on_one_process_is_read_on_the_other(cluster: Cluster) -> None:
    school = await school_with_admin(cluster.a)
    teacher = await member(cluster.a, school, "teacher")
    student = await member(cluster.a, school, "student")
    class_id = await cluster.a.create_class(teacher)
    await cluster.a.enroll(teacher, class_id, student)
    assert (await detail(cluster.b, teacher, class_id))["students"][0]["name"] == student.name
    path = f"/admin/users/{student.id}"
    body = {"name": "Renamed Student", "email": "renamed@school.example.com"}
    ok(await cluster.a.request("PATCH", path, school.admin.token, json=body))
    await heard_on_b(cluster)
    [entry] = (await detail(cluster.b, teacher, class_id))["students"]
    assert entry == {"id": student.id, "name": "Renamed Student", "email": body["email"]}
