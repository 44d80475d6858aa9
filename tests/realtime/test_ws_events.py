"""§5 events: every row of the event table, with the exact payloads clients compare."""

from __future__ import annotations

import json

from tests.realtime.helpers import (
    COUNT_KEYS,
    ISO_MILLIS,
    NO_SESSION,
    NOT_YET_UPDATED,
    STATUSES,
    Message,
    Room,
    Sockets,
    all_receive,
    all_silent,
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
    started,
    summary,
)
from tests.support.client import Api, Socket


async def _everyone(sockets: Sockets, room: Room) -> tuple[Socket, list[Socket]]:
    """The teacher's connection and one connection per enrolled student."""
    teacher = await sockets.open(room.teacher)
    students = [await sockets.open(student) for student in room.students]
    return teacher, students


_mark = mark_heard


def _state(reply: Message, room: Room) -> Message:
    """The data of a SESSION_STATE reply, after checking what every reply carries."""
    assert reply["event"] == "SESSION_STATE", reply
    data = reply["data"]
    assert set(data) == {"classId", "sessionId", "startedAt", "summary", "attendance"}, data
    assert data["classId"] == room.class_id
    assert data["sessionId"] == room.session_id
    assert data["startedAt"] == room.session["startedAt"]
    assert ISO_MILLIS.fullmatch(data["startedAt"]), data["startedAt"]
    assert set(COUNT_KEYS) <= set(data["summary"]), data["summary"]
    return dict(data)


async def test_marks_of_every_status_reach_the_teacher_and_that_student(
    api: Api, sockets: Sockets
) -> None:
    room = await open_room(api, students=4)
    teacher, students = await _everyone(sockets, room)

    for student, status in zip(room.students, STATUSES, strict=True):
        await _mark(teacher, students, room, student, status)


async def test_mark_with_class_id_is_broadcast(api: Api, sockets: Sockets) -> None:
    room = await open_room(api, students=2)
    teacher, students = await _everyone(sockets, room)

    await teacher.send(
        "ATTENDANCE_MARKED", mark_request(room.students[1], "excused", room.class_id)
    )

    await all_receive([teacher, students[1]], marked(room.class_id, room.students[1].id, "excused"))
    await all_silent([students[0]])


async def test_today_summary_counts_current_statuses(api: Api, sockets: Sockets) -> None:
    room = await open_room(api, students=5)
    teacher, students = await _everyone(sockets, room)
    for student, status in zip(room.students, STATUSES, strict=False):
        await _mark(teacher, students, room, student, status)
    await _mark(teacher, students, room, room.students[0], "late")

    await teacher.send("TODAY_SUMMARY")

    expected = summary(room.class_id, present=0, absent=1, late=2, excused=1)
    await all_receive([teacher, *students], expected)


async def test_today_summary_without_marks_is_all_zeros(api: Api, sockets: Sockets) -> None:
    room = await open_room(api, students=2)
    teacher, students = await _everyone(sockets, room)

    for data in (None, {}, {"classId": room.class_id}):
        await teacher.send("TODAY_SUMMARY", data)
        await all_receive([teacher, *students], summary(room.class_id))


async def test_my_attendance_is_unicast_and_follows_the_mark(api: Api, sockets: Sockets) -> None:
    room = await open_room(api, students=2)
    teacher, (first, second) = await _everyone(sockets, room)

    assert await first.request("MY_ATTENDANCE") == my_attendance(room.class_id, NOT_YET_UPDATED)
    await all_silent([teacher, second])

    await _mark(teacher, [first, second], room, room.students[0], "late")

    assert await first.request("MY_ATTENDANCE") == my_attendance(room.class_id, "late")
    reply = await first.request("MY_ATTENDANCE", {"classId": room.class_id})
    assert reply == my_attendance(room.class_id, "late")
    assert await second.request("MY_ATTENDANCE") == my_attendance(room.class_id, NOT_YET_UPDATED)
    await all_silent([teacher, first, second])


async def test_session_state_gives_a_teacher_every_student(api: Api, sockets: Sockets) -> None:
    room = await open_room(api, students=3)
    teacher, students = await _everyone(sockets, room)
    await _mark(teacher, students, room, room.students[0], "present")
    await _mark(teacher, students, room, room.students[1], "late")

    for data in (None, {"classId": room.class_id}):
        state = _state(await teacher.request("SESSION_STATE", data), room)

        assert only_counts(state["summary"]) == counts(present=1, late=1)
        assert marked_statuses(state["attendance"]) == {
            room.students[0].id: "present",
            room.students[1].id: "late",
        }
        for student in room.students:
            assert student.id in json.dumps(state["attendance"])
        await all_silent(students)


async def test_session_state_gives_a_student_only_their_own(api: Api, sockets: Sockets) -> None:
    room = await open_room(api, students=3)
    teacher, students = await _everyone(sockets, room)
    await _mark(teacher, students, room, room.students[0], "present")
    await _mark(teacher, students, room, room.students[1], "late")

    expectations = {0: {room.students[0].id: "present"}, 2: {}}
    for index, expected in expectations.items():
        state = _state(await students[index].request("SESSION_STATE"), room)

        assert marked_statuses(state["attendance"]) == expected
        attendance = json.dumps(state["attendance"])
        others = [s.id for i, s in enumerate(room.students) if i != index]
        assert [other for other in others if other in attendance] == []
        await all_silent([teacher, *students])


async def test_session_state_of_a_fresh_session_is_empty(api: Api, sockets: Sockets) -> None:
    room = await open_room(api, students=2)
    teacher = await sockets.open(room.teacher)

    state = _state(await teacher.request("SESSION_STATE"), room)

    assert only_counts(state["summary"]) == counts()
    assert marked_statuses(state["attendance"]) == {}


async def test_done_persists_and_marks_the_unmarked_absent(api: Api, sockets: Sockets) -> None:
    room = await open_room(api, students=4)
    teacher, students = await _everyone(sockets, room)
    for student, status in zip(room.students, ("present", "late", "excused"), strict=False):
        await _mark(teacher, students, room, student, status)
    my_path = f"/class/{room.class_id}/my-attendance"
    assert await http_ok(api, my_path, room.students[0]) == {
        "classId": room.class_id,
        "status": None,
    }

    await teacher.send("DONE")

    expected = done(room.class_id, present=1, absent=1, late=1, excused=1)
    await all_receive([teacher, *students], expected)
    finals = ("present", "late", "excused", "absent")
    for student, status in zip(room.students, finals, strict=True):
        assert await http_ok(api, my_path, student) == {"classId": room.class_id, "status": status}
    sessions = await http_ok(api, f"/class/{room.class_id}/sessions", room.teacher)
    assert len(sessions) == 1
    assert sessions[0]["sessionId"] == room.session_id
    assert sessions[0]["startedAt"] == room.session["startedAt"]
    assert ISO_MILLIS.fullmatch(sessions[0]["endedAt"]), sessions[0]
    assert only_counts(sessions[0]) == counts(present=1, absent=1, late=1, excused=1)


async def test_events_after_done_find_no_session(api: Api, sockets: Sockets) -> None:
    room = await open_room(api, students=2)
    teacher, students = await _everyone(sockets, room)
    await teacher.send("DONE")
    await all_receive([teacher, *students], done(room.class_id, absent=2))

    teacher_events: list[tuple[str, Message | None]] = [
        ("ATTENDANCE_MARKED", mark_request(room.students[0], "present")),
        ("TODAY_SUMMARY", None),
        ("TODAY_SUMMARY", {"classId": room.class_id}),
        ("SESSION_STATE", None),
        ("DONE", None),
        ("DONE", {"classId": room.class_id}),
    ]
    for event, data in teacher_events:
        assert await teacher.request(event, data) == error(NO_SESSION), event
    for event in ("MY_ATTENDANCE", "SESSION_STATE"):
        assert await students[0].request(event) == error(NO_SESSION), event
    await all_silent([teacher, *students])


async def test_done_with_class_id_and_no_marks(api: Api, sockets: Sockets) -> None:
    room = await open_room(api, students=2)
    teacher, students = await _everyone(sockets, room)

    await teacher.send("DONE", {"classId": room.class_id})

    await all_receive([teacher, *students], done(room.class_id, absent=2))
    for student in room.students:
        mine = await http_ok(api, f"/class/{room.class_id}/my-attendance", student)
        assert mine == {"classId": room.class_id, "status": "absent"}


async def test_done_on_a_class_without_students(api: Api, sockets: Sockets) -> None:
    room = await open_room(api, students=0)
    teacher = await sockets.open(room.teacher)

    assert await teacher.request("TODAY_SUMMARY") == summary(room.class_id)
    assert await teacher.request("DONE") == done(room.class_id)

    sessions = await http_ok(api, f"/class/{room.class_id}/sessions", room.teacher)
    assert [only_counts(s) for s in sessions] == [counts()]
    assert await teacher.request("TODAY_SUMMARY") == error(NO_SESSION)


async def test_a_new_session_after_done_starts_empty(api: Api, sockets: Sockets) -> None:
    room = await open_room(api, students=1)
    teacher, students = await _everyone(sockets, room)
    await _mark(teacher, students, room, room.students[0], "present")
    await teacher.send("DONE")
    await all_receive([teacher, *students], done(room.class_id, present=1))

    restarted = await api.start(room.teacher, room.class_id)
    await all_receive([teacher, *students], started(restarted))
    second = Room(room.teacher, room.class_id, room.students, restarted)

    assert second.session_id != room.session_id
    state = _state(await teacher.request("SESSION_STATE"), second)
    assert marked_statuses(state["attendance"]) == {}
    assert await students[0].request("MY_ATTENDANCE") == my_attendance(
        room.class_id, NOT_YET_UPDATED
    )
