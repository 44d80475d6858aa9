"""§4 and §5 durability: racing DONEs persist once, and a restart mid-session loses nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.realtime.helpers import (
    NO_SESSION,
    Room,
    Sockets,
    all_receive,
    counts,
    done,
    error,
    http_ok,
    mark_heard,
    mark_request,
    marked,
    marked_statuses,
    my_attendance,
    only_counts,
    open_room,
    receive_until_quiet,
    started,
)
from tests.support.backends import Backend
from tests.support.client import Api, Socket
from tests.support.server import start_server

ROUNDS = 3


async def _mark(teacher: Socket, room: Room, index: int, status: str) -> None:
    student = room.students[index]
    await teacher.send("ATTENDANCE_MARKED", mark_request(student, status))
    assert await teacher.receive() == marked(room.class_id, student.id, status)


async def test_racing_dones_persist_the_session_once(api: Api, sockets: Sockets) -> None:
    room = await open_room(api, students=5, start=False)
    first, second = await sockets.open(room.teacher), await sockets.open(room.teacher)
    student = await sockets.open(room.students[0])
    expected = done(room.class_id, present=1, late=1, absent=3)
    session_ids: list[str] = []

    for _ in range(ROUNDS):
        room.session = await api.start(room.teacher, room.class_id)
        await all_receive([first, second, student], started(room.session))
        session_ids.insert(0, room.session_id)
        for index, status in ((1, "present"), (2, "late")):
            await first.send("ATTENDANCE_MARKED", mark_request(room.students[index], status))
            expected_mark = marked(room.class_id, room.students[index].id, status)
            await all_receive([first, second], expected_mark)

        await asyncio.gather(first.send("DONE"), second.send("DONE"))

        *heard, student_heard = await asyncio.gather(
            *(receive_until_quiet(sock) for sock in (first, second, student))
        )
        assert [[m for m in messages if m["event"] == "DONE"] for messages in heard] == [
            [expected],
            [expected],
        ]
        errors = [m for messages in heard for m in messages if m["event"] != "DONE"]
        assert errors == [error(NO_SESSION)]
        assert student_heard == [expected]

    sessions = await http_ok(api, f"/class/{room.class_id}/sessions", room.teacher)
    assert [s["sessionId"] for s in sessions] == session_ids
    assert [only_counts(s) for s in sessions] == [counts(present=1, late=1, absent=3)] * ROUNDS
    statuses = [
        (await http_ok(api, f"/class/{room.class_id}/my-attendance", s))["status"]
        for s in room.students
    ]
    assert statuses == ["absent", "present", "late", "absent", "absent"]


async def test_a_restart_mid_session_loses_nothing(backend: Backend, tmp_path: Path) -> None:
    with start_server(backend, tmp_path) as process:
        async with Api(process) as api, Sockets(api) as sockets:
            room = await open_room(api, students=3)
            before = await sockets.open(room.teacher)
            await _mark(before, room, 0, "present")
            await before.close()

            await asyncio.to_thread(process.restart)

            teacher = await sockets.open(room.teacher)
            students = [await sockets.open(s) for s in room.students]
            state = await teacher.request("SESSION_STATE")
            assert state["event"] == "SESSION_STATE", state
            assert state["data"]["sessionId"] == room.session_id
            assert state["data"]["startedAt"] == room.session["startedAt"]
            assert marked_statuses(state["data"]["attendance"]) == {room.students[0].id: "present"}
            assert only_counts(state["data"]["summary"]) == counts(present=1)
            reply = await students[0].request("MY_ATTENDANCE")
            assert reply == my_attendance(room.class_id, "present")
            assert await api.start(room.teacher, room.class_id) == room.session

            await mark_heard(teacher, students, room, room.students[1], "late")
            await teacher.send("DONE")
            await all_receive(
                [teacher, *students], done(room.class_id, present=1, late=1, absent=1)
            )

            sessions = await http_ok(api, f"/class/{room.class_id}/sessions", room.teacher)
            assert [s["sessionId"] for s in sessions] == [room.session_id]
            assert only_counts(sessions[0]) == counts(present=1, late=1, absent=1)
            statuses = [
                (await http_ok(api, f"/class/{room.class_id}/my-attendance", s))["status"]
                for s in room.students
            ]
            assert statuses == ["present", "late", "absent"]


async def test_a_burst_from_one_socket_is_handled_in_the_order_sent(
    api: Api, sockets: Sockets
) -> None:
    """Messages sent back to back, more than a socket holds before it stops reading, are each
    stored and answered, in order; the last word is the last mark sent, then DONE."""
    room = await open_room(api, students=1)
    teacher = await sockets.open(room.teacher)
    student = room.students[0]
    statuses = ["present", "late", "excused", "absent"] * 6

    for status in statuses:
        await teacher.send("ATTENDANCE_MARKED", mark_request(student, status))
    await teacher.send("DONE")

    heard = await receive_until_quiet(teacher)
    assert heard == [marked(room.class_id, student.id, s) for s in statuses] + [
        done(room.class_id, absent=1)
    ]
    mine = await http_ok(api, f"/class/{room.class_id}/my-attendance", student)
    assert mine["status"] == "absent"
