"""A guardian's "My children": each child's classes with the latest status, a roll call's marks
live (only their own child's), and each class's past roll calls."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.client import Account, Api
from tests.web.conftest import DESKTOP, PHONE, Browsing
from tests.web.page_helpers import assert_accessible, assert_fits, expect, heading

SIZES = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "laptop"])


async def guardian_of(api: Api, child: Account) -> Account:
    """A guardian account, made and linked by an administrator of the child's school."""
    admin = await api.admin()
    guardian = await api.account(admin, "guardian")
    path = f"/admin/guardians/{guardian.id}/students/{child.id}"
    linked = await api.request("POST", path, f"Bearer {admin.token}")
    assert linked.status_code == 200, linked.text
    return guardian


async def mark(api: Api, teacher: Account, class_id: str, student: Account, status: str) -> None:
    async with await api.ws(teacher) as socket:
        data = {"classId": class_id, "studentId": student.id, "status": status}
        await socket.request("ATTENDANCE_MARKED", data)


@SIZES
async def test_a_guardian_follows_their_child_live_and_reads_the_history(
    web: Browsing, api: Api, viewport: dict[str, int], shots: Path
) -> None:
    teacher, class_id, (ada, bob) = await api.classroom(2)
    await api.start(teacher, class_id)
    await mark(api, teacher, class_id, ada, "present")
    async with await api.ws(teacher) as socket:
        await socket.request("DONE", {"classId": class_id})
    guardian = await guardian_of(api, ada)

    page = await web.logged_in(guardian, viewport, home="My children")
    child = page.get_by_role("region", name=ada.name)
    line = child.locator(".child-class").filter(has_text="Physics 101")
    await expect(line.locator(".child-status")).to_have_text("Last roll call: Present")
    await expect(page.get_by_role("region")).to_have_count(1)  # only their own child
    await assert_fits(page)
    await assert_accessible(page, "guardian: my children")

    # A new roll call: the child's mark shows as it is made; a classmate's is never heard.
    await api.start(teacher, class_id)
    await mark(api, teacher, class_id, bob, "present")
    await mark(api, teacher, class_id, ada, "late")
    await expect(line.locator(".child-status")).to_contain_text("Today: Late (marked at ")
    await expect(page.get_by_text(bob.name)).to_have_count(0)
    await assert_accessible(page, "guardian: a live mark")
    await page.screenshot(path=shots / f"guardian-children-{viewport['width']}.png", full_page=True)

    await line.get_by_role("link", name="Physics 101").click()
    await expect(heading(page)).to_have_text(f"{ada.name}: Physics 101")
    await expect(page.locator("table tbody tr")).to_have_count(1)
    await expect(page.locator("table tbody td")).to_have_text("Present")
    await assert_fits(page)
    await assert_accessible(page, "guardian: a class's past roll calls")
    await page.screenshot(path=shots / f"guardian-history-{viewport['width']}.png", full_page=True)
    await page.get_by_role("link", name="My children").click()
    await expect(heading(page)).to_have_text("My children")


async def test_a_guardian_without_children_is_told_so_and_sees_no_other_page(
    web: Browsing, api: Api
) -> None:
    admin = await api.admin()
    guardian = await api.account(admin, "guardian")
    page = await web.logged_in(guardian, PHONE, home="My children")
    await expect(page.locator("main")).to_contain_text("No child is linked to your account yet")
    await assert_accessible(page, "guardian: no children")
    await page.goto(f"/#/child/{guardian.id}/class/{guardian.id}")  # not a child of theirs
    await expect(heading(page)).to_have_text("Class not available")
    await assert_accessible(page, "guardian: a class not theirs")
    await page.goto("/#/class/nope")
    await expect(heading(page)).to_have_text("Page not found")
    await expect(page.get_by_role("link", name="Back to my children")).to_be_visible()
