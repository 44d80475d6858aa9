"""Inputs a careless or hostile client sends over HTTP: times outside the years we keep, loose
types and names nobody can read are all 400 `Invalid request schema`, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contract.helpers import SCHEMA, fails, ok, tag
from tests.support.client import PASSWORD, Api

OUT_OF_RANGE_TIMES = ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"]
UNREADABLE_NAMES = {
    "zero-width": "\u200b\u200b\u200b",
    "word-joiners": "\u2060\ufeff",
    "hangul-filler": "\u3164",
    "braille-blank": "\u2800",
    "override": "Ann\u202egnp.exe",
    "isolate": "\u2067Ann\u2069",
    "newline": "Ann\nBob",
}


async def test_a_day_past_the_supported_years_is_400_on_the_cache_routes(api: Api) -> None:
    teacher, class_id, (student,) = await api.classroom(1)
    day = f"classId={class_id}&studentId={student.id}&date=9999-12-31"
    fails(await api.request("GET", f"/attendance/student?{day}", teacher.token), 400, SCHEMA)
    fails(await api.request("GET", f"/attendance/student?{day}", student.token), 400, SCHEMA)
    key = f"attendance_{class_id}_{student.id}_9999-12-31"
    fails(await api.request("GET", f"/attendance/data?key={key}", teacher.token), 400, SCHEMA)
    fine = f"classId={class_id}&studentId={student.id}&date=2025-03-11"
    assert (
        ok(await api.request("GET", f"/attendance/student?{fine}", teacher.token))["status"] is None
    )


@pytest.mark.parametrize("moment", OUT_OF_RANGE_TIMES)
async def test_a_marked_at_past_the_supported_years_is_400(api: Api, moment: str) -> None:
    teacher, class_id, (student,) = await api.classroom(1)
    await api.start(teacher, class_id)
    body = {"classId": class_id, "studentId": student.id, "status": "late", "markedAt": moment}
    fails(await api.request("POST", "/attendance/mark", teacher.token, json=body), 400, SCHEMA)
    body["markedAt"] = "2025-03-11T10:00:00.000Z"
    assert ok(await api.request("POST", "/attendance/mark", teacher.token, json=body))["applied"]


@pytest.mark.parametrize(
    "extra",
    [{"checkIn": "yes"}, {"checkIn": 1}, {"lateAfterMinutes": "5"}, {"lateAfterMinutes": True}],
    ids=["check-in-text", "check-in-number", "minutes-text", "minutes-boolean"],
)
async def test_start_with_a_wrongly_typed_field_is_400(api: Api, extra: dict[str, Any]) -> None:
    teacher, class_id, _ = await api.classroom(0)
    body = {"classId": class_id, **extra}
    fails(await api.request("POST", "/attendance/start", teacher.token, json=body), 400, SCHEMA)
    body = {"classId": class_id, "checkIn": False, "lateAfterMinutes": 5}
    ok(await api.request("POST", "/attendance/start", teacher.token, json=body))
    code = await api.request("GET", f"/attendance/code?classId={class_id}", teacher.token)
    fails(code, 409, "Check-in is closed")


@pytest.mark.parametrize("ttl", ["600", 600.5, True])
async def test_mark_with_a_ttl_that_is_not_an_integer_is_400(api: Api, ttl: object) -> None:
    teacher, class_id, (student,) = await api.classroom(1)
    await api.start(teacher, class_id)
    body = {"classId": class_id, "studentId": student.id, "status": "late", "ttl": ttl}
    fails(await api.request("POST", "/attendance/mark", teacher.token, json=body), 400, SCHEMA)


@pytest.mark.parametrize("name", UNREADABLE_NAMES.values(), ids=UNREADABLE_NAMES.keys())
async def test_sign_up_with_an_unreadable_name_is_400(api: Api, name: str) -> None:
    email = f"unreadable-{tag()}@school.example"
    body = {"name": name, "email": email, "password": PASSWORD, "role": "student"}
    fails(await api.request("POST", "/auth/signup", json=body), 400, SCHEMA)
    body["name"] = "Zoë \u200dO'Neil"
    assert ok(await api.request("POST", "/auth/signup", json=body), 201)["name"] == body["name"]


@pytest.mark.parametrize("name", UNREADABLE_NAMES.values(), ids=UNREADABLE_NAMES.keys())
async def test_a_class_with_an_unreadable_name_is_400(api: Api, name: str) -> None:
    teacher = await api.teacher()
    body = {"className": name}
    fails(await api.request("POST", "/class", teacher.token, json=body), 400, SCHEMA)
    body = {"className": "מתמטיקה 101"}
    assert ok(await api.request("POST", "/class", teacher.token, json=body), 201)["className"] == (
        "מתמטיקה 101"
    )
