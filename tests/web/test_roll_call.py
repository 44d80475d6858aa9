"""The roll call page: what it shows once finished, on a phone, and with self check-in off."""

from __future__ import annotations

from pathlib import Path

from tests.support.client import Api
from tests.web.conftest import PHONE, Browsing
from tests.web.page_helpers import (
    assert_accessible,
    assert_in_reach,
    count,
    expect,
    mark_button,
    outbox,
    row,
    server_state,
)

FINISH = "Finish roll call…"
REST = "Mark the rest present…"


async def test_after_finishing_the_page_shows_what_was_stored(web: Browsing, api: Api) -> None:
    teacher, class_id, students = await api.classroom(4)
    await api.start(teacher, class_id)
    page = await web.logged_in(teacher)
    await page.goto(f"/#/class/{class_id}/roll")
    await mark_button(page, "Present", students[0]).click()
    await expect(page.locator(".unsent")).to_be_hidden()
    await expect(count(page, "present")).to_have_text("1")

    # Another device of the teacher's marks one more student and finishes.
    async with await api.ws(teacher) as socket:
        mark = {"classId": class_id, "studentId": students[1].id, "status": "late"}
        await socket.request("ATTENDANCE_MARKED", mark)
        await socket.request("DONE", {"classId": class_id})

    summary = page.locator(".summary")
    await expect(summary).to_contain_text(
        "The roll call is saved. Present 1, absent 2, late 1, excused 0: 4 students. "
        "2 students not marked before finishing counted as absent."
    )
    await expect(summary).not_to_contain_text("Attendance persisted")
    tallies = {"present": "1", "absent": "2", "late": "1", "excused": "0", "unmarked": "0"}
    for key, value in tallies.items():
        await expect(count(page, key)).to_have_text(value)
    for student in students[2:]:
        await expect(row(page, student).locator(".status")).to_have_text("Absent")
        await expect(mark_button(page, "Absent", student)).to_have_attribute("aria-pressed", "true")
    await expect(page.locator(".roster .status", has_text="Not marked")).to_have_count(0)
    await expect(mark_button(page, "Present", students[2])).to_be_disabled()
    await expect(page.locator(".code-note")).to_have_text("The roll call has finished.")
    await expect(page.locator(".qr")).to_have_count(0)
    await expect(page.get_by_role("button", name=FINISH)).to_be_hidden()


async def test_on_a_phone_counts_and_finish_stay_in_reach_and_the_rest_can_be_marked_present(
    web: Browsing, api: Api, shots: Path
) -> None:
    teacher, class_id, students = await api.classroom(25)
    await api.start(teacher, class_id)
    page = await web.logged_in(teacher, PHONE)
    await page.goto(f"/#/class/{class_id}/roll")
    await expect(count(page, "unmarked")).to_have_text("25")
    assert await page.evaluate("document.documentElement.scrollHeight") > 3 * PHONE["height"]
    finish = page.get_by_role("button", name=FINISH)
    rest = page.get_by_role("button", name=REST)
    for at in (0, 12, 24):
        student = students[at]
        await row(page, student).scroll_into_view_if_needed()
        await assert_in_reach(page, page.locator(".counts"), "the counts")
        await assert_in_reach(page, finish, "Finish")
        await assert_in_reach(page, rest, "Mark the rest present")
        await assert_in_reach(page, row(page, student), student.name)
        await page.screenshot(path=shots / f"roster-phone-at-{at + 1}.png")
    await assert_accessible(page, "roll call on a phone, scrolled")

    await mark_button(page, "Late", students[3]).click()
    await mark_button(page, "Absent", students[7]).click()
    await expect(page.locator(".unsent")).to_be_hidden()
    # Offline, so the marks are seen waiting in the outbox like any tap.
    await page.context.set_offline(True)
    await expect(page.locator("#conn")).to_have_text("Offline")
    dialog = page.get_by_role("dialog", name="Mark the rest present?")
    await rest.click()
    await expect(dialog).to_contain_text(
        "23 students not marked yet will be marked present. "
        "Students already marked keep their status."
    )
    await dialog.get_by_role("button", name="Cancel").click()
    await expect(dialog).to_be_hidden()
    await expect(count(page, "unmarked")).to_have_text("23")
    await rest.click()
    await dialog.get_by_role("button", name="Mark present").click()
    await expect(count(page, "present")).to_have_text("23")
    await expect(count(page, "unmarked")).to_have_text("0")
    await expect(rest).to_be_disabled()
    await expect(page.locator(".unsent h2")).to_have_text("Not sent yet (23)")
    queued = await outbox(page)
    assert sorted(e["studentId"] for e in queued) == sorted(
        s.id for i, s in enumerate(students) if i not in (3, 7)
    )
    assert {e["status"] for e in queued} == {"present"}
    assert len({e["opId"] for e in queued}) == 23

    await page.context.set_offline(False)
    await expect(page.locator(".unsent")).to_be_hidden()
    attendance = (await server_state(api, teacher, class_id))["attendance"]
    assert attendance[students[3].id] == "late"
    assert attendance[students[7].id] == "absent"
    assert sorted(attendance.values()).count("present") == 23


async def test_self_check_in_off_is_said_plainly_not_as_a_fault(web: Browsing, api: Api) -> None:
    teacher, class_id, (ada,) = await api.classroom(1)
    page = await web.logged_in(teacher)
    await page.goto(f"/#/class/{class_id}")
    await page.get_by_label("Students may check in with a code").uncheck()
    await page.get_by_role("button", name="Start roll call").click()
    note = page.locator(".code-panel .code-note")
    await expect(note).to_have_text(
        "Self check-in is off for this roll call: the teacher marks each student."
    )
    ink = await page.evaluate("getComputedStyle(document.body).color")
    assert await note.evaluate("(el) => getComputedStyle(el).color") == ink
    await expect(page.locator(".code-message")).to_have_count(0)
    await expect(page.locator(".code-digits")).to_be_hidden()
    await expect(page.locator(".qr")).to_have_count(0)
    await expect(page.locator("#alerts .toast")).to_have_count(0)
    await assert_accessible(page, "roll call with self check-in off")
    await page.get_by_role("link", name="Projector view").click()
    await expect(page.locator(".code-note")).to_have_text(
        "Self check-in is off for this roll call: the teacher marks each student."
    )

    student = await web.logged_in(ada)
    await student.goto(f"/#/class/{class_id}")
    status = student.locator(".my-status")
    await expect(status).to_have_text("Roll call running. Your status: Not marked.")
    # The server says check-in is off only when asked: the first try finds out, calmly.
    code = student.get_by_label("Check-in code")
    await code.fill("123456")
    await student.get_by_role("button", name="Check in").click()
    await expect(student.get_by_text("Self check-in is off for this roll call")).to_have_text(
        "Self check-in is off for this roll call: your teacher marks you."
    )
    await expect(code).to_be_hidden()
    await expect(student.locator("#alerts .toast")).to_have_count(0)
    await assert_accessible(student, "student: self check-in off")
    await page.get_by_role("link", name="Back to the roll call").click()
    await mark_button(page, "Present", ada).click()
    await expect(status).to_have_text("Roll call running. Your status: Present.")
    await expect(code).to_be_hidden()


async def test_marks_queued_while_another_device_finishes_are_said_plainly(
    web: Browsing, api: Api
) -> None:
    teacher, class_id, (ada, bob) = await api.classroom(2)
    await api.start(teacher, class_id)
    page = await web.logged_in(teacher, PHONE)
    await page.goto(f"/#/class/{class_id}/roll")
    await expect(count(page, "unmarked")).to_have_text("2")
    await expect(page.get_by_role("button", name=FINISH)).to_be_enabled()  # the server said
    await page.context.set_offline(True)
    await expect(page.locator("#conn")).to_have_text("Offline")
    await mark_button(page, "Present", ada).click()
    await mark_button(page, "Late", bob).click()
    async with await api.ws(teacher) as socket:
        await socket.request("DONE", {"classId": class_id})

    await page.context.set_offline(False)
    # Said once, on the page, beside the offer to apply them as corrections (test_corrections).
    await expect(page.locator(".late-offer")).to_contain_text(
        "The roll call was finished (perhaps on another device) before 2 marks from this one "
        "could be sent, so they were not saved."
    )
    await expect(page.locator("#alerts .toast")).to_have_count(0)
    await expect(page.locator(".unsent")).to_be_hidden()
    assert await outbox(page) == []
    # What the other device stored is shown: DONE counted both students absent.
    await expect(page.locator(".summary")).to_contain_text(
        "The roll call was finished on another device and saved. "
        "Present 0, absent 2, late 0, excused 0: 2 students."
    )
    await expect(count(page, "absent")).to_have_text("2")
    await expect(count(page, "unmarked")).to_have_text("0")
    await expect(row(page, ada).locator(".status")).to_have_text("Absent")
    await expect(page.get_by_role("button", name=FINISH)).to_be_hidden()
    await expect(page.locator(".code-note")).to_have_text("The roll call has finished.")
    await expect(page.locator(".code-digits")).to_be_hidden()
    await expect(page.locator(".qr")).to_have_count(0)
    await assert_accessible(page, "teacher: roll call finished elsewhere, marks not saved")
