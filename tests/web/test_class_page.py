"""The teacher's class page: finding students honestly, and messages that stay where they belong."""

from __future__ import annotations

import re
import uuid

from tests.support.client import Api
from tests.web.conftest import PHONE, Browsing
from tests.web.page_helpers import assert_in_reach, expect, heading, tag


async def test_search_says_when_more_students_match_than_it_shows(web: Browsing, api: Api) -> None:
    run = tag()
    teacher = await api.teacher()
    class_id = await api.create_class(teacher, f"Chemistry {run}")
    pupils = [await api.signup("student", name=f"Pupil {run} {n:02}") for n in range(25)]
    page = await web.logged_in(teacher, PHONE)
    await page.goto(f"/#/class/{class_id}")
    await page.get_by_label("Search students by name or email").fill(f"Pupil {run}")
    said = page.locator(".card [role=status]")
    await expect(said).to_have_text(
        "Showing the first 20 matches; more students match. Narrow the search, or show more."
    )
    results = page.locator(".results li")
    await expect(results).to_have_count(20)
    await page.get_by_role("button", name="Show more").click()
    await expect(said).to_have_text("25 students found.")
    await expect(results).to_have_count(25)
    await expect(page.get_by_role("button", name="Show more")).to_be_hidden()

    # Each confirmation replaces the one before, in the list's own status line: none piles up
    # over the page, and every other Add button can still be tapped.
    for pupil in pupils[:3]:
        await page.get_by_role("button", name=f"Add {pupil.name} ({pupil.email})").click()
        await expect(said).to_have_text(f"{pupil.name} added to the class.")
    await expect(page.locator(".toast")).to_have_count(0)
    await expect(results.filter(has_text="In this class")).to_have_count(3)
    await expect(page.locator("#students-title")).to_have_text("Students (3)")
    for pupil in pupils[3:]:
        add = page.get_by_role("button", name=f"Add {pupil.name} ({pupil.email})")
        await add.scroll_into_view_if_needed()
        await assert_in_reach(page, add, f"Add {pupil.name}")


async def test_notices_replace_each_other(web: Browsing, api: Api) -> None:
    page = await web.logged_in(await api.teacher())
    for name in ("Art", "Music"):
        await page.goto("/#/")
        await page.get_by_label("Class name").fill(name)
        await page.get_by_role("button", name="Create class").click()
        await expect(heading(page)).to_have_text(name)
    notices = page.locator("#notices .toast")
    await expect(notices).to_have_count(1)
    await expect(notices).to_contain_text("Class “Music” created.")


async def test_errors_are_cleared_when_leaving_their_page(web: Browsing, api: Api) -> None:
    page = await web.logged_in(await api.teacher())
    await page.goto(f"/#/class/{uuid.uuid4()}")
    alerts = page.locator("#alerts .toast")
    await expect(alerts).to_have_text(re.compile("Class not found"))
    await page.get_by_role("link", name="My classes").click()
    await expect(heading(page)).to_have_text("My classes")
    await expect(alerts).to_have_count(0)

    # An error that sends the user elsewhere is said on the page it sends them to.
    await page.evaluate("localStorage.setItem('headcount.token', 'not-a-token')")
    await page.reload()
    await expect(heading(page)).to_have_text("Log in")
    await expect(alerts).to_have_text(re.compile("Unauthorized"))

    # The same error twice is said once.
    await page.get_by_label("Email").fill("nobody@school.example.com")
    await page.get_by_label("Password").fill("wrong-pass")
    log_in = page.get_by_role("button", name="Log in")
    for _ in range(2):
        await log_in.click()
        await expect(log_in).to_be_enabled()  # disabled until the answer has been shown
    await expect(alerts.filter(has_text="Invalid email or password")).to_have_count(1)
    await expect(alerts).to_have_count(2)


async def test_a_teacher_adds_several_students_at_once_and_removes_one(
    web: Browsing, api: Api
) -> None:
    run = tag()
    teacher = await api.teacher()
    class_id = await api.create_class(teacher, f"Geography {run}")
    pupils = [await api.signup("student", name=f"Walker {run} {n}") for n in range(3)]
    page = await web.logged_in(teacher, PHONE)
    await page.goto(f"/#/class/{class_id}")
    await page.get_by_label("Search students by name or email").fill(f"Walker {run}")
    await expect(page.locator(".results li")).to_have_count(3)
    for pupil in pupils[:2]:
        await page.get_by_label(f"Select {pupil.name} ({pupil.email})").check()
    await page.get_by_role("button", name="Add 2 selected students").click()
    said = page.locator("#students-title ~ [role=status]")
    await expect(said).to_have_text("2 students added to the class.")
    await expect(page.locator(".results li").filter(has_text="In this class")).to_have_count(2)
    detail = await api.request("GET", f"/class/{class_id}", teacher.token)
    assert {s["id"] for s in detail.json()["data"]["students"]} == {p.id for p in pupils[:2]}

    await page.get_by_role("button", name=f"Remove {pupils[0].name} ({pupils[0].email})").click()
    await page.get_by_role("dialog").get_by_role("button", name="Remove").click()
    await expect(said).to_have_text(f"{pupils[0].name} removed from the class.")
    await expect(page.locator("#students-title")).to_have_text("Students (1)")
