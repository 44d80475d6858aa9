"""Absences excused in advance (docs/records.md): /admin/excusals and the roll calls they touch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.contract.helpers import (
    SCHEMA,
    STUDENT_NOT_FOUND,
    fails,
    ok,
    random_id,
)
from tests.contract.test_corrections import school_admin
from tests.support.client import Account, Api

ADMIN_ONLY = "Forbidden, admin access required"
NOT_FOUND = "Excusal not found"


def days(first: int, last: int) -> dict[str, str]:
    today = datetime.now(UTC).date()
    return {
        "firstDay": (today + timedelta(days=first)).isoformat(),
        "lastDay": (today + timedelta(days=last)).isoformat(),
    }


async def excuse(api: Api, admin: Account, student_id: str, body: dict[str, Any]) -> Any:
    payload = {"studentId": student_id, "reason": "Dentist", **body}
    return await api.request("POST", "/admin/excusals", admin.token, json=payload)


async def test_a_roll_call_starts_with_the_excused_student_and_a_mark_still_wins(
    api: Api,
) -> None:
    teacher, class_id, (ada, bo, cy) = await api.classroom(3)
    admin = school_admin(api.server)
    made = ok(await excuse(api, admin, ada.id, days(-1, 1)), 201)
    assert {k: made[k] for k in ("studentId", "reason", "createdBy")} == {
        "studentId": ada.id,
        "reason": "Dentist",
        "createdBy": admin.id,
    }
    ok(await excuse(api, admin, bo.id, days(-1, 1)), 201)
    ok(await excuse(api, admin, cy.id, days(1, 3)), 201)  # not today: no effect

    started = await api.start(teacher, class_id)
    async with await api.ws(teacher) as socket:
        state = await socket.request("SESSION_STATE", {"classId": class_id})
        assert state["data"]["attendance"] == {ada.id: "excused", bo.id: "excused", cy.id: None}
        counts = await socket.request("TODAY_SUMMARY", {"classId": class_id})
        assert (counts["data"]["excused"], counts["data"]["total"]) == (2, 2)
        # A teacher's mark overrides the excusal, even one queued offline before the start.
        earlier = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
        mark = {"classId": class_id, "studentId": ada.id, "status": "present", "markedAt": earlier}
        reply = await socket.request("ATTENDANCE_MARKED", mark)
        assert reply["data"]["status"] == "present"
        done = await socket.request("DONE", {"classId": class_id})
    assert (done["data"]["present"], done["data"]["excused"], done["data"]["absent"]) == (1, 1, 1)
    events = ok(
        await api.request(
            "GET", f"/class/{class_id}/sessions/{started['sessionId']}/events", teacher.token
        )
    )
    excused = [e for e in events if e["source"] == "excusal"]
    assert sorted(e["studentId"] for e in excused) == sorted([ada.id, bo.id])
    assert all(e["status"] == "excused" for e in excused)


async def test_listing_and_withdrawing(api: Api) -> None:
    student = await api.student()
    admin = school_admin(api.server)
    first = ok(await excuse(api, admin, student.id, days(2, 2)), 201)
    second = ok(await excuse(api, admin, student.id, days(0, 5)), 201)
    listed = ok(await api.request("GET", f"/admin/excusals?studentId={student.id}", admin.token))
    assert [e["id"] for e in listed] == [second["id"], first["id"]]  # earliest first day first
    gone = ok(await api.request("DELETE", f"/admin/excusals/{first['id']}", admin.token))
    assert gone == first
    listed = ok(await api.request("GET", f"/admin/excusals?studentId={student.id}", admin.token))
    assert [e["id"] for e in listed] == [second["id"]]
    for missing in (first["id"], random_id(), "not-a-uuid"):
        fails(
            await api.request("DELETE", f"/admin/excusals/{missing}", admin.token), 404, NOT_FOUND
        )


async def test_refusals(api: Api) -> None:
    teacher, student = await api.teacher(), await api.student()
    admin = school_admin(api.server)
    fails(await excuse(api, teacher, student.id, days(0, 1)), 403, ADMIN_ONLY)
    fails(await api.request("GET", "/admin/excusals", student.token), 403, ADMIN_ONLY)
    for body in (
        days(1, 0),  # last before first
        {"firstDay": "2026-13-01", "lastDay": "2026-12-01"},
        {**days(0, 1), "reason": "  "},
        {"firstDay": "2026-12-01"},
    ):
        fails(await excuse(api, admin, student.id, body), 400, SCHEMA)
    for who in (teacher.id, random_id()):  # only students of the admin's schools
        fails(await excuse(api, admin, who, days(0, 1)), 404, STUDENT_NOT_FOUND)
    fails(await api.request("GET", "/admin/excusals?studentId=nope", admin.token), 400, SCHEMA)
