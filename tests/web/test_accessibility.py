"""axe-core on every view of the web app, on a phone and a laptop: no violation of any impact."""

from __future__ import annotations

import pytest

from tests.support.client import Api
from tests.web.conftest import DESKTOP, PHONE, Browsing
from tests.web.page_helpers import (
    assert_accessible,
    count,
    current_code,
    expect,
    heading,
    mark_button,
)

SIZES = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "laptop"])


@SIZES
async def test_every_view_passes_axe(web: Browsing, api: Api, viewport: dict[str, int]) -> None:
    teacher, class_id, (ada, bob) = await api.classroom(2)

    page = await web.page(viewport)
    await page.goto("/#/login")
    await expect(heading(page)).to_have_text("Log in")
    await assert_accessible(page, "login")
    await page.get_by_role("link", name="Sign up").click()
    await expect(heading(page)).to_have_text("Sign up")
    await assert_accessible(page, "signup")

    page = await web.logged_in(teacher, viewport)
    await assert_accessible(page, "teacher: my classes")
    await page.get_by_role("link", name="Physics 101").click()
    await expect(heading(page)).to_have_text("Physics 101")
    await expect(page.locator("[aria-busy]")).to_have_count(0)
    await page.get_by_label("Search students by name or email").fill(ada.name)
    await expect(page.locator(".results li")).to_have_count(1)
    await assert_accessible(page, "teacher: class")
    await page.get_by_role("button", name="Start roll call").click()
    await expect(heading(page)).to_have_text("Roll call: Physics 101")
    await current_code(page)
    await expect(count(page, "unmarked")).to_have_text("2")
    await mark_button(page, "Late", ada).click()
    await expect(count(page, "late")).to_have_text("1")
    await assert_accessible(page, "teacher: roll call")
    await page.get_by_role("button", name="Finish roll call…").click()
    await expect(page.get_by_role("dialog")).to_be_visible()
    await assert_accessible(page, "teacher: finish dialog")
    await page.keyboard.press("Escape")
    await page.get_by_role("button", name="Mark the rest present…").click()
    await expect(page.get_by_role("dialog")).to_be_visible()
    await assert_accessible(page, "teacher: mark the rest present dialog")
    await page.keyboard.press("Escape")
    await page.get_by_role("link", name="Projector view").click()
    await expect(page.locator(".checked-in")).to_have_text("1 of 2 here")
    await current_code(page)
    await assert_accessible(page, "teacher: projector")
    await page.goto(f"/#/check-in/{class_id}/123456")
    await expect(heading(page)).to_have_text("Check-in link")
    await assert_accessible(page, "teacher: check-in link")

    student = await web.logged_in(bob, viewport)
    await assert_accessible(student, "student: my classes")
    await student.get_by_role("link", name="Physics 101").click()
    await expect(student.locator(".my-status")).to_have_text(
        "Roll call running. Your status: Not marked."
    )
    await expect(student.locator("[aria-busy]")).to_have_count(0)
    await assert_accessible(student, "student: class")
    await student.goto(f"/#/check-in/{class_id}/000000")
    await expect(student.locator("main").get_by_role("status")).to_contain_text(
        "Could not check in"
    )
    await assert_accessible(student, "student: check-in link")

    await student.goto(f"/#/class/{class_id}")
    await expect(student.locator(".my-status")).to_contain_text("Roll call running")
    await page.goto(f"/#/class/{class_id}/roll")
    await page.get_by_role("button", name="Finish roll call…").click()
    await page.get_by_role("button", name="Finish and save").click()
    await expect(page.locator(".summary")).to_be_visible()
    await expect(page.locator(".code-note")).to_be_visible()
    await assert_accessible(page, "teacher: finished roll call")
    await page.get_by_role("link", name="Projector view").click()
    await expect(page.locator(".code-note")).to_be_visible()
    await assert_accessible(page, "teacher: projector, no roll call")
    await expect(student.locator(".my-status")).to_contain_text("Your status: Absent.")
    await expect(student.locator("table")).to_contain_text("Absent")
    await assert_accessible(student, "student: class after the roll call")
