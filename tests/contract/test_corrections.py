"""Corrections after the roll call (docs/records.md): PATCH a finished session's mark."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx

from tests.contract.helpers import (
    CLASS_NOT_FOUND,
    NOT_A_UUID,
    NOT_CLASS_TEACHER,
    SCHEMA,
    STUDENT_NOT_FOUND,
    TEACHER_ONLY,
    UNAUTHORIZED,
    fails,
    is_timestamp,
    ok,
    random_id,
    run_session,
    stranger_teacher_class,
    tag,
)
from tests.contract.report_helpers import this_month
from tests.contract.roster_helpers import headcount
from tests.support.client import Account, Api
from tests.support.server import ServerProcess

SESSION_NOT_FOUND = "Session not found"
IN_PROGRESS = "Attendance session in progress"


def path(class_id: str, session_id: str, student_id: str) -> str:
    return f"/class/{class_id}/sessions/{session_id}/attendance/{student_id}"


async def amend(
    api: Api, caller: Account | None, at: str, status: str = "present", reason: Any = "Late bus"
) -> httpx.Response:
    body = {"status": status, "reason": reason}
    return await api.request("PATCH", at, caller.token if caller else None, json=body)


def school_admin(server: ServerProcess) -> Account:
    """An administrator of the default school, where signed-up teachers and classes are."""
    email, password = f"admin-{tag()}@example.org", "admin-password-1"
    made = headcount(
        server, "admin", "create", "--email", email, "--name", "Al Admin", "--password", password
    )
    assert made.returncode == 0, made.stderr
    with httpx.Client(base_url=server.base_url, trust_env=False) as http:
        login = http.post("/auth/login", json={"email": email, "password": password})
        token = login.json()["data"]["token"]
        me = http.get("/auth/me", headers={"Authorization": token}).json()["data"]
    return Account(me["id"], "Al Admin", email, "admin", password, token)


async def test_a_correction_shows_everywhere_the_mark_does(api: Api) -> None:
    teacher, class_id, (ada, bo) = await api.classroom(2)
    done = await run_session(api, teacher, class_id, {bo.id: "present"})
    at = path(class_id, done.session_id, ada.id)

    amended = ok(await amend(api, teacher, at, "late", "Arrived after the roll call"))
    assert {k: v for k, v in amended.items() if k != "amendedAt"} == {
        "classId": class_id,
        "sessionId": done.session_id,
        "studentId": ada.id,
        "status": "late",
        "previousStatus": "absent",
        "reason": "Arrived after the roll call",
        "amendedBy": teacher.id,
        "changed": True,
    }
    assert is_timestamp(amended["amendedAt"])

    (row,) = ok(await api.request("GET", f"/class/{class_id}/sessions", teacher.token))
    assert (row["present"], row["late"], row["absent"], row["total"]) == (1, 1, 0, 2)
    matrix = ok(await api.request("GET", f"/class/{class_id}/attendance", teacher.token))
    assert {s["id"]: s["statuses"] for s in matrix["students"]} == {
        ada.id: ["late"],
        bo.id: ["present"],
    }
    exported = await api.request("GET", f"/class/{class_id}/attendance?format=csv", teacher.token)
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert [r[2] for r in rows[1:]] == ["late", "present"]
    mine = ok(await api.request("GET", f"/class/{class_id}/my-attendance", ada.token))
    assert mine == {"classId": class_id, "status": "late"}
    # The whole month: the report adds up the tally DONE left, which the correction moved.
    first, last = this_month()
    totals = ok(
        await api.request("GET", f"/reports/students?from={first}&to={last}", teacher.token)
    )
    assert {t["id"]: (t["present"], t["late"], t["absent"]) for t in totals} == {
        ada.id: (0, 1, 0),
        bo.id: (1, 0, 0),
    }

    events = ok(
        await api.request(
            "GET", f"/class/{class_id}/sessions/{done.session_id}/events", teacher.token
        )
    )
    *before, last = events
    assert all("reason" not in e and "previousStatus" not in e for e in before)
    assert {k: last[k] for k in ("studentId", "status", "source", "actorId", "applied")} == {
        "studentId": ada.id,
        "status": "late",
        "source": "amend",
        "actorId": teacher.id,
        "applied": True,
    }
    assert (last["reason"], last["previousStatus"]) == ("Arrived after the roll call", "absent")


async def test_the_same_status_again_changes_and_records_nothing(api: Api) -> None:
    teacher, class_id, (ada,) = await api.classroom(1)
    done = await run_session(api, teacher, class_id, {ada.id: "present"})
    events_path = f"/class/{class_id}/sessions/{done.session_id}/events"
    before = ok(await api.request("GET", events_path, teacher.token))
    same = ok(await amend(api, teacher, path(class_id, done.session_id, ada.id), "present"))
    assert (same["changed"], same["previousStatus"]) == (False, "present")
    assert ok(await api.request("GET", events_path, teacher.token)) == before


async def test_an_administrator_of_the_school_corrects_too(api: Api) -> None:
    teacher, class_id, (ada,) = await api.classroom(1)
    done = await run_session(api, teacher, class_id)
    admin = school_admin(api.server)
    amended = ok(await amend(api, admin, path(class_id, done.session_id, ada.id), "excused"))
    assert (amended["status"], amended["amendedBy"]) == ("excused", admin.id)


async def test_live_audience_hears_the_correction_students_only_their_own(api: Api) -> None:
    teacher, class_id, (ada, bo) = await api.classroom(2)
    done = await run_session(api, teacher, class_id)
    async with (
        await api.ws(teacher) as teacher_socket,
        await api.ws(ada) as ada_socket,
        await api.ws(bo) as bo_socket,
    ):
        ok(await amend(api, teacher, path(class_id, done.session_id, ada.id), "late"))
        heard = {
            "event": "ATTENDANCE_AMENDED",
            "data": {
                "classId": class_id,
                "sessionId": done.session_id,
                "studentId": ada.id,
                "status": "late",
                "previousStatus": "absent",
            },
        }
        assert await teacher_socket.receive() == heard
        assert await ada_socket.receive() == heard
        await bo_socket.expect_silence()


async def test_refusals_in_the_contract_order(api: Api) -> None:
    teacher, class_id, (ada,) = await api.classroom(1)
    outsider = await api.student()
    done = await run_session(api, teacher, class_id)
    at = path(class_id, done.session_id, ada.id)

    fails(await amend(api, None, at), 401, UNAUTHORIZED)
    fails(await amend(api, ada, at), 403, TEACHER_ONLY)
    for status, reason in (("gone", "x"), ("late", None), ("late", "   "), ("late", "x" * 501)):
        fails(await amend(api, teacher, at, status, reason), 400, SCHEMA)
    fails(
        await amend(api, teacher, path(random_id(), done.session_id, ada.id)), 404, CLASS_NOT_FOUND
    )
    fails(
        await amend(api, teacher, path(NOT_A_UUID, done.session_id, ada.id)), 404, CLASS_NOT_FOUND
    )
    stranger, _ = await stranger_teacher_class(api)
    fails(await amend(api, stranger, at), 403, NOT_CLASS_TEACHER)
    for session in (random_id(), NOT_A_UUID):
        fails(await amend(api, teacher, path(class_id, session, ada.id)), 404, SESSION_NOT_FOUND)
    for student in (outsider.id, random_id(), NOT_A_UUID):
        fails(
            await amend(api, teacher, path(class_id, done.session_id, student)),
            404,
            STUDENT_NOT_FOUND,
        )

    # A session of another class is not this class's, even to its own teacher.
    other_class = await api.create_class(teacher, "Other")
    await api.enroll(teacher, other_class, ada)
    other = await run_session(api, teacher, other_class)
    fails(
        await amend(api, teacher, path(class_id, other.session_id, ada.id)), 404, SESSION_NOT_FOUND
    )

    running = await api.start(teacher, class_id)
    fails(await amend(api, teacher, path(class_id, running["sessionId"], ada.id)), 409, IN_PROGRESS)
