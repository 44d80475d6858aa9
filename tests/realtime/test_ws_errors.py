"""§5 errors: every row of the error table, unicast, and the connection stays usable."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.realtime.helpers import (
    INVALID_FORMAT,
    INVALID_SCHEMA,
    MAX_FRAME,
    MESSAGE_TOO_BIG,
    NO_SESSION,
    NOT_CLASS_TEACHER,
    NOT_ENROLLED,
    STUDENT_NOT_ENROLLED,
    STUDENT_ONLY,
    TEACHER_ONLY,
    TOO_MANY,
    UNKNOWN_EVENT,
    Message,
    Sockets,
    all_receive,
    all_silent,
    counts,
    encode,
    error,
    expect_close,
    expect_open,
    mark_request,
    marked,
    marked_statuses,
    only_counts,
    open_room,
    random_id,
    receive_until_quiet,
    summary,
)
from tests.support.client import Api

NOT_A_UUID = "not-a-uuid"

TEACHER_EVENTS = ("ATTENDANCE_MARKED", "TODAY_SUMMARY", "DONE")
STUDENT_EVENTS = ("MY_ATTENDANCE",)


@pytest.mark.parametrize("started", [False, True], ids=["no-session", "live-session"])
async def test_student_sending_teacher_events_gets_role_error(
    api: Api, sockets: Sockets, started: bool
) -> None:
    room = await open_room(api, students=2, start=started)
    teacher = await sockets.open(room.teacher)
    student = await sockets.open(room.students[0])
    requests: list[tuple[str, Message | None]] = [
        ("ATTENDANCE_MARKED", mark_request(room.students[0], "present")),
        ("ATTENDANCE_MARKED", mark_request(room.students[0], "present", room.class_id)),
        ("ATTENDANCE_MARKED", {"status": "bogus"}),
        ("TODAY_SUMMARY", None),
        ("TODAY_SUMMARY", {"classId": room.class_id}),
        ("DONE", None),
        ("DONE", {"classId": room.class_id}),
    ]

    for event, data in requests:
        assert await student.request(event, data) == error(TEACHER_ONLY), (event, data)

    await all_silent([teacher])
    if started:
        assert await teacher.request("TODAY_SUMMARY") == summary(room.class_id)
        assert await student.receive() == summary(room.class_id)


@pytest.mark.parametrize("started", [False, True], ids=["no-session", "live-session"])
async def test_teacher_sending_student_events_gets_role_error(
    api: Api, sockets: Sockets, started: bool
) -> None:
    room = await open_room(api, students=1, start=started)
    teacher = await sockets.open(room.teacher)
    student = await sockets.open(room.students[0])

    for data in (None, {"classId": room.class_id}, {"classId": NOT_A_UUID}):
        assert await teacher.request("MY_ATTENDANCE", data) == error(STUDENT_ONLY), data

    await all_silent([student])


async def test_teacher_events_without_a_session(api: Api, sockets: Sockets) -> None:
    room = await open_room(api, students=1, start=False)
    teacher = await sockets.open(room.teacher)
    student = await sockets.open(room.students[0])
    requests: list[tuple[str, Message | None]] = [
        ("ATTENDANCE_MARKED", mark_request(room.students[0], "present")),
        ("ATTENDANCE_MARKED", mark_request(room.students[0], "present", room.class_id)),
        ("TODAY_SUMMARY", None),
        ("TODAY_SUMMARY", {"classId": room.class_id}),
        ("SESSION_STATE", None),
        ("SESSION_STATE", {"classId": room.class_id}),
        ("DONE", None),
        ("DONE", {"classId": room.class_id}),
    ]

    for event, data in requests:
        assert await teacher.request(event, data) == error(NO_SESSION), (event, data)

    await all_silent([student])
    sessions = await api.request("GET", f"/class/{room.class_id}/sessions", room.teacher.token)
    assert sessions.json() == {"success": True, "data": []}


async def test_teacher_without_classes_has_no_session(api: Api, sockets: Sockets) -> None:
    teacher = await sockets.open(await api.teacher())

    for event in ("TODAY_SUMMARY", "SESSION_STATE", "DONE"):
        assert await teacher.request(event) == error(NO_SESSION), event


async def test_student_events_without_a_session(api: Api, sockets: Sockets) -> None:
    room = await open_room(api, students=1, start=False)
    student = await sockets.open(room.students[0])
    loner = await sockets.open(await api.student())

    for event in ("MY_ATTENDANCE", "SESSION_STATE"):
        assert await student.request(event) == error(NO_SESSION), event
        reply = await student.request(event, {"classId": room.class_id})
        assert reply == error(NO_SESSION), event
        assert await loner.request(event) == error(NO_SESSION), event


MALFORMED = {
    "not-json": "hello",
    "empty": "",
    "truncated-json": '{"event": "TODAY_SUMMARY"',
    "array": "[]",
    "array-of-object": '[{"event": "TODAY_SUMMARY"}]',
    "string": '"TODAY_SUMMARY"',
    "number": "42",
    "null": "null",
    "true": "true",
    "empty-object": "{}",
    "missing-event": '{"data": {}}',
    "numeric-event": '{"event": 5}',
    "null-event": '{"event": null}',
    "list-event": '{"event": ["TODAY_SUMMARY"]}',
    "object-event": '{"event": {"name": "TODAY_SUMMARY"}}',
    "boolean-event": '{"event": true}',
}


@pytest.mark.parametrize("raw", MALFORMED.values(), ids=MALFORMED.keys())
async def test_malformed_message_is_invalid_format(api: Api, sockets: Sockets, raw: str) -> None:
    room = await open_room(api, students=1)
    teacher = await sockets.open(room.teacher)

    await teacher.send_raw(raw)

    assert await teacher.receive() == error(INVALID_FORMAT)
    await expect_open(teacher, teacher=True)


async def test_malformed_messages_from_a_student(api: Api, sockets: Sockets) -> None:
    room = await open_room(api, students=1)
    student = await sockets.open(room.students[0])

    for raw in MALFORMED.values():
        await student.send_raw(raw)
        assert await student.receive() == error(INVALID_FORMAT), raw

    await expect_open(student, teacher=False)


UNKNOWN = ["HELLO", "attendance_marked", "Done", "ERROR", "", " DONE", "DONE ", "PING"]


@pytest.mark.parametrize("role", ["teacher", "student"])
async def test_unknown_event(api: Api, sockets: Sockets, role: str) -> None:
    room = await open_room(api, students=1)
    sock = await sockets.open(room.teacher if role == "teacher" else room.students[0])

    for event in UNKNOWN:
        assert await sock.request(event) == error(UNKNOWN_EVENT), event
        assert await sock.request(event, {"classId": room.class_id}) == error(UNKNOWN_EVENT)

    await expect_open(sock, teacher=role == "teacher")


def _bad_teacher_requests(student_id: str) -> dict[str, tuple[str, Any]]:
    return {
        "unknown-status": ("ATTENDANCE_MARKED", {"studentId": student_id, "status": "sleeping"}),
        "capitalised-status": ("ATTENDANCE_MARKED", {"studentId": student_id, "status": "Late"}),
        "missing-status": ("ATTENDANCE_MARKED", {"studentId": student_id}),
        "null-status": ("ATTENDANCE_MARKED", {"studentId": student_id, "status": None}),
        "numeric-status": ("ATTENDANCE_MARKED", {"studentId": student_id, "status": 1}),
        "missing-student": ("ATTENDANCE_MARKED", {"status": "present"}),
        "no-data": ("ATTENDANCE_MARKED", None),
        "non-uuid-student": ("ATTENDANCE_MARKED", {"studentId": NOT_A_UUID, "status": "present"}),
        "numeric-student": ("ATTENDANCE_MARKED", {"studentId": 42, "status": "present"}),
        "non-uuid-class": (
            "ATTENDANCE_MARKED",
            {"studentId": student_id, "status": "present", "classId": NOT_A_UUID},
        ),
        "numeric-class": (
            "ATTENDANCE_MARKED",
            {"studentId": student_id, "status": "present", "classId": 7},
        ),
        "summary-non-uuid-class": ("TODAY_SUMMARY", {"classId": NOT_A_UUID}),
        "summary-numeric-class": ("TODAY_SUMMARY", {"classId": 7}),
        "done-non-uuid-class": ("DONE", {"classId": NOT_A_UUID}),
        "state-non-uuid-class": ("SESSION_STATE", {"classId": NOT_A_UUID}),
        "state-numeric-class": ("SESSION_STATE", {"classId": 12345}),
    }


BAD_TEACHER_CASES = list(_bad_teacher_requests(random_id()))


@pytest.mark.parametrize("case", BAD_TEACHER_CASES)
async def test_teacher_request_failing_validation(api: Api, sockets: Sockets, case: str) -> None:
    room = await open_room(api, students=1)
    teacher = await sockets.open(room.teacher)
    student = await sockets.open(room.students[0])
    event, data = _bad_teacher_requests(room.students[0].id)[case]

    assert await teacher.request(event, data) == error(INVALID_SCHEMA)

    await all_silent([student])
    assert await teacher.request("TODAY_SUMMARY") == summary(room.class_id)
    assert await student.receive() == summary(room.class_id)


NON_OBJECT_DATA = {
    "mark-string": '{"event": "ATTENDANCE_MARKED", "data": "present"}',
    "mark-list": '{"event": "ATTENDANCE_MARKED", "data": []}',
    "summary-list": '{"event": "TODAY_SUMMARY", "data": ["x"]}',
    "done-number": '{"event": "DONE", "data": 5}',
    "state-string": '{"event": "SESSION_STATE", "data": "x"}',
}


@pytest.mark.parametrize("raw", NON_OBJECT_DATA.values(), ids=NON_OBJECT_DATA.keys())
async def test_data_that_is_not_an_object(api: Api, sockets: Sockets, raw: str) -> None:
    room = await open_room(api, students=1)
    teacher = await sockets.open(room.teacher)
    student = await sockets.open(room.students[0])

    await teacher.send_raw(raw)

    assert await teacher.receive() == error(INVALID_SCHEMA)
    await student.expect_silence()
    assert await teacher.request("TODAY_SUMMARY") == summary(room.class_id)


BAD_STUDENT_REQUESTS = {
    "my-attendance-non-uuid-class": ("MY_ATTENDANCE", {"classId": NOT_A_UUID}),
    "my-attendance-numeric-class": ("MY_ATTENDANCE", {"classId": 3}),
    "state-non-uuid-class": ("SESSION_STATE", {"classId": NOT_A_UUID}),
    "state-list-class": ("SESSION_STATE", {"classId": [NOT_A_UUID]}),
}


@pytest.mark.parametrize("request_", BAD_STUDENT_REQUESTS.values(), ids=BAD_STUDENT_REQUESTS)
async def test_student_request_failing_validation(
    api: Api, sockets: Sockets, request_: tuple[str, Message]
) -> None:
    room = await open_room(api, students=1)
    student = await sockets.open(room.students[0])

    assert await student.request(*request_) == error(INVALID_SCHEMA)

    await expect_open(student, teacher=False)


@pytest.mark.parametrize("started", [True, False], ids=["live-session", "no-session"])
async def test_teacher_naming_another_teachers_class(
    api: Api, sockets: Sockets, started: bool
) -> None:
    mine = await open_room(api, students=1)
    theirs = await open_room(api, students=1, start=started)
    me = await sockets.open(mine.teacher)
    their_audience = [await sockets.open(theirs.teacher), await sockets.open(theirs.students[0])]
    requests: list[tuple[str, Message]] = [
        ("ATTENDANCE_MARKED", mark_request(theirs.students[0], "present", theirs.class_id)),
        ("ATTENDANCE_MARKED", mark_request(mine.students[0], "present", theirs.class_id)),
        ("TODAY_SUMMARY", {"classId": theirs.class_id}),
        ("SESSION_STATE", {"classId": theirs.class_id}),
        ("DONE", {"classId": theirs.class_id}),
    ]

    for event, data in requests:
        assert await me.request(event, data) == error(NOT_CLASS_TEACHER), (event, data)

    await all_silent(their_audience)
    if started:
        assert await their_audience[0].request("TODAY_SUMMARY") == summary(theirs.class_id)


@pytest.mark.parametrize("started", [True, False], ids=["live-session", "no-session"])
async def test_student_naming_a_class_they_are_not_in(
    api: Api, sockets: Sockets, started: bool
) -> None:
    mine = await open_room(api, students=1)
    theirs = await open_room(api, students=1, start=started)
    me = await sockets.open(mine.students[0])

    for event in ("MY_ATTENDANCE", "SESSION_STATE"):
        reply = await me.request(event, {"classId": theirs.class_id})
        assert reply == error(NOT_ENROLLED), event

    await expect_open(me, teacher=False)


async def test_naming_a_class_that_does_not_exist(api: Api, sockets: Sockets) -> None:
    room = await open_room(api, students=1)
    teacher = await sockets.open(room.teacher)
    student = await sockets.open(room.students[0])
    nowhere = {"classId": random_id()}
    mark = mark_request(room.students[0], "late", nowhere["classId"])

    for event in ("TODAY_SUMMARY", "SESSION_STATE", "DONE"):
        assert await teacher.request(event, nowhere) == error(NOT_CLASS_TEACHER), event
    assert await teacher.request("ATTENDANCE_MARKED", mark) == error(NOT_CLASS_TEACHER)
    for event in ("MY_ATTENDANCE", "SESSION_STATE"):
        assert await student.request(event, nowhere) == error(NOT_ENROLLED), event

    await all_silent([teacher, student])
    assert await teacher.request("TODAY_SUMMARY") == summary(room.class_id)


async def test_marking_a_student_outside_the_class(api: Api, sockets: Sockets) -> None:
    room = await open_room(api, students=1)
    outsider = await api.student()
    teacher = await sockets.open(room.teacher)
    audience = [await sockets.open(room.students[0]), await sockets.open(outsider)]
    requests = [
        mark_request(outsider, "present"),
        mark_request(outsider, "late", room.class_id),
        {"studentId": random_id(), "status": "present"},
        {"studentId": room.teacher.id, "status": "present", "classId": room.class_id},
    ]

    for data in requests:
        assert await teacher.request("ATTENDANCE_MARKED", data) == error(STUDENT_NOT_ENROLLED)

    await all_silent(audience)
    state = await teacher.request("SESSION_STATE")
    assert marked_statuses(state["data"]["attendance"]) == {}
    assert only_counts(state["data"]["summary"]) == counts()


async def test_too_many_messages_is_an_error_not_a_close(api: Api, sockets: Sockets) -> None:
    room = await open_room(api, students=1)
    student = await sockets.open(room.students[0])

    for _ in range(120):
        await student.send("NOT_AN_EVENT")
    replies = await receive_until_quiet(student)

    assert replies[0] == error(UNKNOWN_EVENT)
    assert replies.count(error(UNKNOWN_EVENT)) >= 50
    assert error(TOO_MANY) in replies
    assert [r for r in replies if r not in (error(UNKNOWN_EVENT), error(TOO_MANY))] == []
    await asyncio.sleep(1.2)
    await expect_open(student, teacher=False)


def _padded(size: int) -> str:
    """An unknown event whose JSON text is exactly `size` bytes."""
    empty = encode({"event": "PADDED", "data": {"pad": ""}})
    message = encode({"event": "PADDED", "data": {"pad": "x" * (size - len(empty))}})
    assert len(message.encode()) == size
    return message


async def test_frame_of_64_kib_is_accepted(api: Api, sockets: Sockets) -> None:
    room = await open_room(api, students=1)
    teacher = await sockets.open(room.teacher)

    await teacher.send_raw(_padded(MAX_FRAME))

    assert await teacher.receive() == error(UNKNOWN_EVENT)
    await expect_open(teacher, teacher=True)


@pytest.mark.parametrize("size", [MAX_FRAME + 1, 4 * MAX_FRAME])
async def test_frame_over_64_kib_closes_with_1009(api: Api, sockets: Sockets, size: int) -> None:
    room = await open_room(api, students=1)
    teacher = await sockets.open(room.teacher)
    student = await sockets.open(room.students[0])

    await teacher.send_raw(_padded(size))

    await expect_close(teacher, MESSAGE_TOO_BIG)
    await student.expect_silence()
    again = await sockets.open(room.teacher)
    await again.send("ATTENDANCE_MARKED", mark_request(room.students[0], "present"))
    await all_receive([again, student], marked(room.class_id, room.students[0].id, "present"))
