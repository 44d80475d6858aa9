"""Inputs a careless or hostile client sends over /ws and Socket.IO: a `markedAt` outside the
years we keep or not ISO text, and a `ttl` that is not an integer, are `Invalid request schema`
(never `Internal server error`), and the connection carries on."""

from __future__ import annotations

from typing import Any

import pytest

from tests.realtime.helpers import (
    INVALID_SCHEMA,
    Sockets,
    error,
    mark_request,
    marked,
    open_room,
)
from tests.support.client import Api

BAD_MARKED_AT = {
    "past-9999-west": "9999-12-31T23:59:59-12:00",
    "before-year-1-east": "0001-01-01T00:00:00+14:00",
    "year-1": "0001-01-01T00:00:00.000Z",
    "epoch-number": 1741687200,
    "boolean": True,
}


@pytest.mark.parametrize("moment", BAD_MARKED_AT.values(), ids=BAD_MARKED_AT.keys())
async def test_ws_mark_with_a_bad_marked_at(api: Api, sockets: Sockets, moment: object) -> None:
    room = await open_room(api, students=1)
    (student,) = room.students
    teacher = await sockets.open(room.teacher)
    request = {**mark_request(student, "late", room.class_id), "markedAt": moment}
    assert await teacher.request("ATTENDANCE_MARKED", request) == error(INVALID_SCHEMA)
    request["markedAt"] = "2025-03-11T10:00:00.000Z"
    assert await teacher.request("ATTENDANCE_MARKED", request) == marked(
        room.class_id, student.id, "late"
    )


@pytest.mark.parametrize(
    "extra",
    [*({"markedAt": moment} for moment in BAD_MARKED_AT.values()), {"ttl": "600"}],
    ids=[*BAD_MARKED_AT.keys(), "ttl-text"],
)
async def test_socketio_mark_with_a_bad_field(
    api: Api, clients: Any, extra: dict[str, Any]
) -> None:
    room = await open_room(api, students=1)
    (student,) = room.students
    marker = await clients(room.teacher)
    request = {**mark_request(student, "late", room.class_id), **extra}
    assert await marker.call("markAttendance", request) is None
    assert await marker.next() == ("exception", {"status": "error", "message": INVALID_SCHEMA})
    request = {**mark_request(student, "late", room.class_id), "ttl": 600}
    assert (await marker.call("markAttendance", request))["success"] is True
