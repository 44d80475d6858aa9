"""Corrections of a finished roll call: opened from the class's history, a status changed with a
reason, the audit trail, live updates, and marks that came back too late applied as corrections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.client import Account, Api
from tests.web.conftest import DESKTOP, PHONE, Browsing
from tests.web.page_helpers import assert_accessible, assert_fits, count, expect, heading, row

SIZES = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "laptop"])


async def finished_roll_call(api: Api, teacher: Account, class_id: str, present: Account) -> str:
    """A roll call where `present` was marked present and everyone else was left absent."""
    session_id = str((await api.start(teacher, class_id))["sessionId"])
    async with await api.ws(teacher) as socket:
        mark = {"classId": class_id, "studentId": present.id, "status": "present"}
        await socket.request("ATTENDANCE_MARKED", mark)
        await socket.request("DONE", {"classId": class_id})
    return session_id


async def events(api: Api, teacher: Account, class_id: str, session_id: str) -> list[Any]:
    path = f"/class/{class_id}/sessions/{session_id}/events"
    answer = await api.request("GET", path, f"Bearer {teacher.token}")
    assert answer.status_code == 200, answer.text
    return list(answer.json()["data"])


def stored(page: Any, student: Account) -> Any:
    return page.locator(".stored-row").filter(has_text=student.name).locator(".status")


@SIZES
async def test_a_teacher_corrects_a_finished_roll_call_with_a_reason(
    web: Browsing, api: Api, viewport: dict[str, int], shots: Path
) -> None:
    teacher, class_id, (ada, bob) = await api.classroom(2)
    session_id = await finished_roll_call(api, teacher, class_id, ada)
    page = await web.logged_in(teacher, viewport)
    await page.goto(f"/#/class/{class_id}")
    await page.get_by_role("region", name="Roll calls").get_by_role("link").click()
    await expect(heading(page)).to_contain_text("Physics 101: roll call of")
    assert page.url.endswith(f"#/class/{class_id}/roll-calls/{session_id}")
    await expect(stored(page, ada)).to_have_text("Present")
    await expect(stored(page, bob)).to_have_text("Absent")
    trail = page.locator(".trail")
    await expect(trail).to_contain_text(f"{ada.name}: Present, marked")
    await expect(trail).to_contain_text(
        f"{bob.name}: Absent, not marked: absent when the roll call finished"
    )
    await assert_fits(page)
    await assert_accessible(page, "teacher: a finished roll call")

    await page.get_by_role("button", name=f"Change: {bob.name}").click()
    dialog = page.get_by_role("dialog", name="Change a status")
    await expect(dialog).to_contain_text(f"{bob.name} is Absent in this roll call.")
    await expect(dialog.get_by_role("radio", name="Absent")).to_be_checked()
    await assert_accessible(page, "teacher: the correction dialog")
    await page.screenshot(path=shots / f"correction-dialog-{viewport['width']}.png", full_page=True)
    await dialog.get_by_role("radio", name="Late").check()
    # The reason is required: the browser keeps the dialog open without one.
    await dialog.get_by_role("button", name="Save the change").click()
    await expect(dialog).to_be_visible()
    await dialog.get_by_label("Reason").fill("   ")  # spaces are no reason either
    await dialog.get_by_role("button", name="Save the change").click()
    await expect(dialog).to_be_visible()
    await dialog.get_by_label("Reason").fill("Came at 9:10 with a note")
    await dialog.get_by_role("button", name="Save the change").click()
    await expect(dialog).to_be_hidden()
    await expect(stored(page, bob)).to_have_text("Late")
    await expect(trail).to_contain_text(f"{bob.name}: Absent → Late (corrected)")
    amend = page.locator(".trail-amend")
    await expect(amend).to_contain_text("Reason: Came at 9:10 with a note")
    await expect(amend).to_contain_text(f"{teacher.name} (you)")
    await assert_fits(page)
    await assert_accessible(page, "teacher: a corrected roll call")
    await page.screenshot(path=shots / f"corrected-{viewport['width']}.png", full_page=True)
    (stored_event,) = [
        e for e in await events(api, teacher, class_id, session_id) if e.get("reason")
    ]
    assert stored_event["previousStatus"] == "absent"
    assert stored_event["status"] == "late"


async def test_a_correction_made_elsewhere_shows_live_on_every_page_of_the_class(
    web: Browsing, api: Api
) -> None:
    teacher, class_id, (ada, bob) = await api.classroom(2)
    session_id = await finished_roll_call(api, teacher, class_id, ada)
    page = await web.logged_in(teacher, PHONE)
    await page.goto(f"/#/class/{class_id}/roll-calls/{session_id}")
    await expect(stored(page, ada)).to_have_text("Present")
    student = await web.logged_in(bob)
    await student.goto(f"/#/class/{class_id}")
    past = student.locator("table tbody td")
    await expect(past).to_have_text("Absent")
    overview = await web.logged_in(teacher)
    await overview.goto(f"/#/class/{class_id}")
    matrix = overview.get_by_role("region", name="Attendance by student").locator("tbody tr")
    await expect(matrix.filter(has_text=bob.name).locator("td.st")).to_have_text("Absent")

    # Another device of the teacher's corrects Bob.
    path = f"/class/{class_id}/sessions/{session_id}/attendance/{bob.id}"
    body = {"status": "excused", "reason": "Doctor's note"}
    answer = await api.request("PATCH", path, f"Bearer {teacher.token}", json=body)
    assert answer.status_code == 200, answer.text

    await expect(stored(page, bob)).to_have_text("Excused")
    await expect(page.locator(".trail-amend")).to_contain_text("Reason: Doctor's note")
    await expect(past).to_have_text("Excused")
    await expect(matrix.filter(has_text=bob.name).locator("td.st")).to_have_text("Excused")
    roll_calls = overview.get_by_role("region", name="Roll calls")
    await expect(roll_calls.locator("tbody td.num").nth(1)).to_have_text("0")  # absent


@SIZES
async def test_marks_that_came_back_too_late_are_applied_as_corrections(
    web: Browsing, api: Api, viewport: dict[str, int], shots: Path
) -> None:
    teacher, class_id, (ada, bob) = await api.classroom(2)
    await api.start(teacher, class_id)
    page = await web.logged_in(teacher, viewport)
    await page.goto(f"/#/class/{class_id}/roll")
    await expect(count(page, "unmarked")).to_have_text("2")
    await expect(page.get_by_role("button", name="Finish roll call…")).to_be_enabled()
    await page.context.set_offline(True)
    await expect(page.locator("#conn")).to_have_text("Offline")
    await page.get_by_role("button", name=f"Present: {ada.name}", exact=True).click()
    await page.get_by_role("button", name=f"Late: {bob.name}", exact=True).click()
    async with await api.ws(teacher) as socket:
        await socket.request("DONE", {"classId": class_id})
    await page.context.set_offline(False)

    offer = page.locator(".late-offer")
    await expect(offer).to_contain_text(f"{ada.name}: Present")
    await expect(offer).to_contain_text(f"{bob.name}: Late")
    await expect(count(page, "absent")).to_have_text("2")
    await expect(page.locator("#alerts .toast")).to_have_count(0)  # the card says it, once
    await assert_accessible(page, "teacher: marks offered as corrections")
    await page.screenshot(path=shots / f"late-marks-{viewport['width']}.png", full_page=True)
    await offer.get_by_role("button", name="Apply them as corrections…").click()
    dialog = page.get_by_role("dialog", name="Apply the marks as corrections?")
    await expect(dialog).to_contain_text("2 marks will change the stored statuses.")
    await assert_accessible(page, "teacher: applying marks as corrections")
    await dialog.get_by_label("Reason, for all of them").fill("Marked offline during class")
    await dialog.get_by_role("button", name="Apply the corrections").click()
    await expect(dialog).to_be_hidden()
    await expect(offer).to_be_hidden()
    await expect(count(page, "present")).to_have_text("1")
    await expect(count(page, "late")).to_have_text("1")
    await expect(count(page, "absent")).to_have_text("0")
    await expect(row(page, bob).locator(".status")).to_have_text("Late")
    await expect(page.locator(".summary .corrected")).to_have_text(
        "Corrected since: Present 1, absent 0, late 1, excused 0: 2 students."
    )

    sessions = await api.request("GET", f"/class/{class_id}/sessions", f"Bearer {teacher.token}")
    session_id = sessions.json()["data"][0]["sessionId"]
    amended = [e for e in await events(api, teacher, class_id, session_id) if e.get("reason")]
    assert {(e["studentId"], e["status"]) for e in amended} == {
        (ada.id, "present"),
        (bob.id, "late"),
    }
    assert {e["reason"] for e in amended} == {"Marked offline during class"}


async def test_a_roll_call_still_running_cannot_be_corrected(web: Browsing, api: Api) -> None:
    teacher, class_id, _ = await api.classroom(1)
    session_id = (await api.start(teacher, class_id))["sessionId"]
    page = await web.logged_in(teacher, PHONE)
    await page.goto(f"/#/class/{class_id}/roll-calls/{session_id}")
    await expect(heading(page)).to_have_text("Roll call not available")
    await expect(page.locator("main")).to_contain_text("only a finished roll call can be corrected")
    await expect(page.get_by_role("button", name="Change…")).to_have_count(0)
    await assert_accessible(page, "teacher: a running roll call's corrections page")
    await page.goto(f"/#/class/{class_id}")
    running = page.get_by_role("region", name="Roll calls").locator("tbody tr")
    await expect(running).to_contain_text("running")
    await expect(running.get_by_role("link")).to_have_count(0)
