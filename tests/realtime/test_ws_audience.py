"""§5 audience and session resolution: who hears a class, and which session an event acts on."""

from __future__ import annotations

import asyncio
from itertools import cycle, islice
from pathlib import Path

import pytest

from tests.conftest import require
from tests.realtime.helpers import (
    NO_SESSION,
    NOT_YET_UPDATED,
    STATUSES,
    STUDENT_NOT_ENROLLED,
    Message,
    Room,
    Sockets,
    all_receive,
    all_silent,
    done,
    error,
    mark_heard,
    mark_request,
    marked,
    my_attendance,
    open_room,
    receive_many,
    split_audience,
    summary,
)
from tests.support.backends import REDIS_URL, Backend
from tests.support.client import Account, Api
from tests.support.server import start_server

BATCHES = 5
BATCH_SIZE = 40
# Replies to this many messages (about 6 MB) overflow every kernel and transport buffer between
# the server and a reader that never reads: a server that awaits each send would stall on it.
FLOOD = 100_000


async def _second_class(api: Api, teacher: Account, students: int = 1) -> Room:
    """Another class of the same teacher, with fresh students; not started."""
    class_id = await api.create_class(teacher, "Chemistry 201")
    enrolled = [await api.student() for _ in range(students)]
    for student in enrolled:
        await api.enroll(teacher, class_id, student)
    return Room(teacher, class_id, enrolled, {})


async def _start(api: Api, room: Room) -> None:
    room.session = await api.start(room.teacher, room.class_id)
    await asyncio.sleep(0.05)


async def test_teacher_without_class_id_acts_on_latest_started_session(
    api: Api, sockets: Sockets
) -> None:
    first = await open_room(api, students=1, start=False)
    second = await _second_class(api, first.teacher)
    await _start(api, first)
    await _start(api, second)
    teacher = await sockets.open(first.teacher)
    in_first = await sockets.open(first.students[0])
    in_second = await sockets.open(second.students[0])

    await teacher.send("TODAY_SUMMARY")
    await all_receive([teacher, in_second], summary(second.class_id))
    await teacher.send("ATTENDANCE_MARKED", mark_request(second.students[0], "present"))
    expected = marked(second.class_id, second.students[0].id, "present")
    await all_receive([teacher, in_second], expected)
    reply = await teacher.request("ATTENDANCE_MARKED", mark_request(first.students[0], "late"))
    assert reply == error(STUDENT_NOT_ENROLLED)
    await in_first.expect_silence()

    await teacher.send("ATTENDANCE_MARKED", mark_request(first.students[0], "late", first.class_id))
    await all_receive([teacher, in_first], marked(first.class_id, first.students[0].id, "late"))
    await teacher.send("TODAY_SUMMARY", {"classId": first.class_id})
    await all_receive([teacher, in_first], summary(first.class_id, late=1))
    await in_second.expect_silence()

    again = await api.start(first.teacher, first.class_id)
    assert again == first.session
    await teacher.send("DONE")
    await all_receive([teacher, in_second], done(second.class_id, present=1))
    await in_first.expect_silence()
    await teacher.send("TODAY_SUMMARY")
    await all_receive([teacher, in_first], summary(first.class_id, late=1))


async def test_student_without_class_id_acts_on_latest_started_session(
    api: Api, sockets: Sockets
) -> None:
    first = await open_room(api, students=1, start=False)
    second = await open_room(api, students=0, start=False)
    pupil = first.students[0]
    await api.enroll(second.teacher, second.class_id, pupil)
    await _start(api, first)
    await _start(api, second)
    student = await sockets.open(pupil)
    first_teacher = await sockets.open(first.teacher)
    second_teacher = await sockets.open(second.teacher)

    assert await student.request("MY_ATTENDANCE") == my_attendance(second.class_id, NOT_YET_UPDATED)
    state = await student.request("SESSION_STATE")
    assert (state["event"], state["data"]["classId"]) == ("SESSION_STATE", second.class_id)
    state = await student.request("SESSION_STATE", {"classId": first.class_id})
    assert (state["event"], state["data"]["classId"]) == ("SESSION_STATE", first.class_id)

    await first_teacher.send("ATTENDANCE_MARKED", mark_request(pupil, "present"))
    await all_receive([first_teacher, student], marked(first.class_id, pupil.id, "present"))
    await second_teacher.expect_silence()
    assert await student.request("MY_ATTENDANCE") == my_attendance(second.class_id, NOT_YET_UPDATED)
    reply = await student.request("MY_ATTENDANCE", {"classId": first.class_id})
    assert reply == my_attendance(first.class_id, "present")

    await second_teacher.send("DONE")
    await all_receive([second_teacher, student], done(second.class_id, absent=1))
    await first_teacher.expect_silence()
    assert await student.request("MY_ATTENDANCE") == my_attendance(first.class_id, "present")


async def test_two_live_classes_do_not_hear_each_other(api: Api, sockets: Sockets) -> None:
    rooms = [await open_room(api, students=2), await open_room(api, students=2)]
    teachers = [await sockets.open(room.teacher) for room in rooms]
    audiences = [[await sockets.open(s) for s in room.students] for room in rooms]

    for turn in range(2):
        for index, room in enumerate(rooms):
            other = [teachers[1 - index], *audiences[1 - index]]
            student = room.students[turn]
            await teachers[index].send("ATTENDANCE_MARKED", mark_request(student, "late"))
            expected = marked(room.class_id, student.id, "late")
            hears, classmates = split_audience(room, audiences[index], student)
            await all_receive([teachers[index], *hears], expected)
            await all_silent([*other, *classmates])

    for index, room in enumerate(rooms):
        other = [teachers[1 - index], *audiences[1 - index]]
        await teachers[index].send("TODAY_SUMMARY")
        await all_receive([teachers[index], *audiences[index]], summary(room.class_id, late=2))
        await teachers[index].send("DONE")
        await all_receive([teachers[index], *audiences[index]], done(room.class_id, late=2))
        await all_silent(other)


async def test_strangers_hear_nothing(api: Api, sockets: Sockets) -> None:
    room = await open_room(api, students=2)
    elsewhere = await open_room(api, students=1, start=False)
    teacher = await sockets.open(room.teacher)
    audience = [await sockets.open(s) for s in room.students]
    strangers = [
        await sockets.open(await api.teacher()),
        await sockets.open(await api.student()),
        await sockets.open(elsewhere.teacher),
        await sockets.open(elsewhere.students[0]),
    ]

    await mark_heard(teacher, audience, room, room.students[0], "present")
    await teacher.send("TODAY_SUMMARY")
    await all_receive([teacher, *audience], summary(room.class_id, present=1))
    assert (await teacher.request("SESSION_STATE"))["event"] == "SESSION_STATE"
    assert (await audience[0].request("MY_ATTENDANCE"))["event"] == "MY_ATTENDANCE"
    await teacher.send("DONE")
    await all_receive([teacher, *audience], done(room.class_id, present=1, absent=1))

    await all_silent(strangers)
    for stranger in strangers:
        assert await stranger.request("SESSION_STATE") == error(NO_SESSION)


async def test_student_enrolled_while_connected_hears_the_next_mark(
    api: Api, sockets: Sockets
) -> None:
    room = await open_room(api, students=1)
    newcomer = await api.student()
    teacher = await sockets.open(room.teacher)
    listener = await sockets.open(newcomer)
    await teacher.send("ATTENDANCE_MARKED", mark_request(room.students[0], "present"))
    assert await teacher.receive() == marked(room.class_id, room.students[0].id, "present")
    await listener.expect_silence()

    await api.enroll(room.teacher, room.class_id, newcomer)
    await teacher.send("TODAY_SUMMARY")

    await all_receive([teacher, listener], summary(room.class_id, present=1))
    await teacher.send("ATTENDANCE_MARKED", mark_request(room.students[0], "late"))
    assert await teacher.receive() == marked(room.class_id, room.students[0].id, "late")
    await teacher.send("ATTENDANCE_MARKED", mark_request(newcomer, "excused"))
    await all_receive([teacher, listener], marked(room.class_id, newcomer.id, "excused"))
    assert await listener.request("MY_ATTENDANCE") == my_attendance(room.class_id, "excused")
    await teacher.send("DONE")
    await all_receive([teacher, listener], done(room.class_id, late=1, excused=1))


async def test_a_connection_hears_marks_made_right_after_it_opens(
    api: Api, sockets: Sockets
) -> None:
    room = await open_room(api, students=1)
    teacher = await sockets.open(room.teacher)
    student = room.students[0]

    for status in STATUSES:
        listener = await sockets.open(student)
        await teacher.send("ATTENDANCE_MARKED", mark_request(student, status))
        expected = marked(room.class_id, student.id, status)
        assert await listener.receive() == expected
        assert await teacher.receive() == expected
        await listener.close()


async def test_every_connection_of_a_user_hears_broadcasts(api: Api, sockets: Sockets) -> None:
    room = await open_room(api, students=1)
    teachers = [await sockets.open(room.teacher) for _ in range(2)]
    students = [await sockets.open(room.students[0]) for _ in range(3)]
    everyone = [*teachers, *students]

    await teachers[1].send("ATTENDANCE_MARKED", mark_request(room.students[0], "late"))
    await all_receive(everyone, marked(room.class_id, room.students[0].id, "late"))
    await teachers[0].send("TODAY_SUMMARY")
    await all_receive(everyone, summary(room.class_id, late=1))

    assert await students[2].request("MY_ATTENDANCE") == my_attendance(room.class_id, "late")
    await all_silent([*teachers, *students[:2]])

    await teachers[0].send("DONE")
    await all_receive(everyone, done(room.class_id, late=1))


@pytest.mark.parametrize("flood", [0, FLOOD], ids=["silent", "flooding"])
async def test_a_connection_that_never_reads_does_not_starve_others(
    api: Api, sockets: Sockets, flood: int
) -> None:
    # Two connections of the teacher, who hears every mark: one never reads, one does.
    room = await open_room(api, students=4)
    marked_students = room.students
    await sockets.open_stalled(room.teacher, flood)
    listener = await sockets.open(room.teacher)
    senders = [await sockets.open_unbuffered(room.teacher) for _ in range(BATCHES)]
    plan = list(
        islice(
            ((student, status) for status in cycle(STATUSES) for student in marked_students),
            BATCHES * BATCH_SIZE,
        )
    )

    received: list[Message] = []
    for batch, sender in enumerate(senders):
        for student, status in plan[batch * BATCH_SIZE : (batch + 1) * BATCH_SIZE]:
            await sender.send("ATTENDANCE_MARKED", mark_request(student, status))
        received += await receive_many(listener, BATCH_SIZE)

    assert received == [marked(room.class_id, s.id, status) for s, status in plan]
    await listener.expect_silence()


async def test_broadcasts_cross_server_processes(backend: Backend, tmp_path: Path) -> None:
    require("redis")
    workdirs = [tmp_path / "one", tmp_path / "two"]
    for workdir in workdirs:
        workdir.mkdir()
    env = {"REDIS_URL": REDIS_URL}
    with (
        start_server(backend, workdirs[0], env) as one,
        start_server(backend, workdirs[1], env) as two,
    ):
        async with (
            Api(one) as api_one,
            Api(two) as api_two,
            Sockets(api_one) as here,
            Sockets(api_two) as there,
        ):
            room = await open_room(api_one, students=2)
            newcomer = await api_one.student()
            teacher = await here.open(room.teacher)
            audience = [await here.open(room.students[0]), await there.open(room.students[1])]
            listener = await there.open(newcomer)
            stranger = await there.open(await api_two.teacher())

            await teacher.send("ATTENDANCE_MARKED", mark_request(room.students[1], "late"))
            expected = marked(room.class_id, room.students[1].id, "late")
            await all_receive([teacher, audience[1]], expected)
            await all_silent([audience[0], listener, stranger])

            await api_one.enroll(room.teacher, room.class_id, newcomer)
            await teacher.send("ATTENDANCE_MARKED", mark_request(newcomer, "present"))
            expected = marked(room.class_id, newcomer.id, "present")
            await all_receive([teacher, listener], expected)
            await teacher.send("TODAY_SUMMARY")
            expected = summary(room.class_id, present=1, late=1)
            await all_receive([teacher, *audience, listener], expected)
            await teacher.send("DONE")
            expected = done(room.class_id, present=1, late=1, absent=1)
            await all_receive([teacher, *audience, listener], expected)
            await stranger.expect_silence()
