"""The student's pages follow the roll call live: its start, its end, and self check-in."""

from __future__ import annotations

from tests.support.client import Api
from tests.web.conftest import Browsing
from tests.web.page_helpers import expect


async def test_a_roll_call_that_starts_reaches_the_student_without_a_reload(
    web: Browsing, api: Api
) -> None:
    # Needs the server's SESSION_STARTED broadcast (SPEC §5): nothing else tells the page.
    teacher, class_id, (ada,) = await api.classroom(1)
    student = await web.logged_in(ada)
    await student.evaluate("window.sameDocument = true")
    card = student.locator(".card").filter(has=student.get_by_role("link", name="Physics 101"))
    await expect(card).to_contain_text("No roll call running")
    await api.start(teacher, class_id)
    await expect(card).to_contain_text("Roll call running check in now")

    await card.get_by_role("link").click()
    status = student.locator(".my-status")
    code = student.get_by_label("Check-in code")
    await expect(status).to_have_text("Roll call running. Your status: Not marked.")
    await expect(code).to_be_visible()
    async with await api.ws(teacher) as socket:
        await socket.request("DONE", {"classId": class_id})
    await expect(status).to_have_text("The roll call has finished. Your status: Absent.")
    await expect(code).to_be_hidden()

    # The next roll call reaches the class page just the same.
    await api.start(teacher, class_id)
    await expect(status).to_have_text("Roll call running. Your status: Not marked.")
    await expect(code).to_be_visible()
    assert await student.evaluate("window.sameDocument") is True


async def test_the_check_in_form_shows_only_while_a_roll_call_runs(web: Browsing, api: Api) -> None:
    teacher, class_id, (ada,) = await api.classroom(1)
    student = await web.logged_in(ada)
    await student.goto(f"/#/class/{class_id}")
    status = student.locator(".my-status")
    code = student.get_by_label("Check-in code")
    await expect(status).to_have_text("No roll call is running right now.")
    await expect(code).to_be_hidden()

    await api.start(teacher, class_id)
    await student.reload()
    await expect(status).to_have_text("Roll call running. Your status: Not marked.")
    response = await api.request("GET", f"/attendance/code?classId={class_id}", teacher.token)
    await code.fill(response.json()["data"]["code"])
    await student.get_by_role("button", name="Check in").click()
    await expect(status).to_have_text("Roll call running. Your status: Present.")

    async with await api.ws(teacher) as socket:
        await socket.request("DONE", {"classId": class_id})
    await expect(status).to_have_text("The roll call has finished. Your status: Present.")
    await expect(code).to_be_hidden()
