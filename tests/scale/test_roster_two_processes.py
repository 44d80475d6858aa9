"""docs/roster.md across two processes: revocations, unenrolment and administrators' hearing
reach sockets held by the other process."""

from __future__ import annotations

import contextlib

from websockets.exceptions import ConnectionClosed

from tests.contract.helpers import UNAUTHORIZED, fails, ok
from tests.scale.conftest import Cluster
from tests.support.client import Socket
from tests.support.schools import member, school_with_admin

REVOKED = {"event": "ERROR", "data": {"message": "Unauthorized or invalid token"}}


async def closed_for_policy(socket: Socket) -> None:
    assert await socket.receive() == REVOKED
    with contextlib.suppress(ConnectionClosed):
        await socket.receive()
    assert socket.connection.close_code == 1008


async def test_deactivation_on_one_process_closes_sockets_on_the_other(cluster: Cluster) -> None:
    school = await school_with_admin(cluster.a)
    teacher = await member(cluster.a, school, "teacher")
    async with await cluster.b.ws(teacher) as socket:
        path = f"/admin/users/{teacher.id}"
        ok(await cluster.a.request("PATCH", path, school.admin.token, json={"active": False}))
        await closed_for_policy(socket)
    fails(await cluster.b.request("GET", "/auth/me", teacher.token), 401, UNAUTHORIZED)


async def test_logout_on_one_process_closes_that_tokens_sockets_on_the_other(
    cluster: Cluster,
) -> None:
    student = await cluster.a.student()
    async with await cluster.b.ws(student) as socket:
        assert ok(await cluster.a.request("POST", "/auth/logout", student.token)) is None
        await closed_for_policy(socket)
    fails(await cluster.b.request("GET", "/auth/me", student.token), 401, UNAUTHORIZED)


async def test_an_unenrolled_student_stops_hearing_on_the_other_process(cluster: Cluster) -> None:
    teacher, class_id, (kept, gone) = await cluster.a.classroom(2)
    async with await cluster.b.ws(gone) as socket, await cluster.b.ws(kept) as kept_socket:
        path = f"/class/{class_id}/students/{gone.id}"
        ok(await cluster.a.request("DELETE", path, teacher.token))
        session = await cluster.a.start(teacher, class_id)
        assert await kept_socket.receive() == {"event": "SESSION_STARTED", "data": session}
        await socket.expect_silence()


async def test_an_administrator_on_the_other_process_hears_a_new_class(cluster: Cluster) -> None:
    school = await school_with_admin(cluster.a)
    teacher = await member(cluster.a, school, "teacher")
    async with await cluster.b.ws(school.admin) as socket:
        class_id = await cluster.a.create_class(teacher)
        session = await cluster.a.start(teacher, class_id)
        assert await socket.receive() == {"event": "SESSION_STARTED", "data": session}
