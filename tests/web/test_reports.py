"""The reports page: a teacher's and an administrator's reports as tables, their CSV, the empty
case, and logging out revoking the token on the server."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from tests.contract.report_helpers import past_session
from tests.support.client import Api
from tests.web.conftest import DESKTOP, PHONE, Browsing
from tests.web.page_helpers import administrator, assert_accessible, assert_fits, expect, heading

if TYPE_CHECKING:
    from playwright.async_api import Page

# Days no other test writes roll calls on: the administrator sees every class of the school.
DAYS = [date(2003, 3, 3), date(2003, 3, 4), date(2003, 3, 5)]  # Monday to Wednesday


async def show(page: Page, report: str, **fields: str) -> None:
    await page.get_by_label("Report", exact=True).select_option(label=report)
    for label, value in fields.items():
        await page.get_by_label(label.replace("_", " "), exact=True).fill(value)
    await page.get_by_role("button", name="Show report").click()


async def test_teacher_and_administrator_read_reports_and_download_them(
    web: Browsing, api: Api, tmp_path: Path
) -> None:
    teacher, class_id, (ann, bob) = await api.classroom(2)
    marks = [("present", "absent"), ("present", "absent"), ("absent", "late")]
    for day, (for_ann, for_bob) in zip(DAYS, marks, strict=True):
        await past_session(api, teacher, class_id, day, [(ann, for_ann), (bob, for_bob)])

    page = await web.logged_in(teacher, PHONE)
    await page.get_by_role("link", name="Reports").click()
    await expect(heading(page)).to_have_text("Reports")
    await assert_accessible(page, "teacher: reports form (phone)")
    await show(page, "Attendance by student", From="2003-03-01", To="2003-03-07")
    await expect(page.locator(".table-wrap tbody tr")).to_have_text(
        [
            f"{ann.name}{ann.email}3201066.7%",
            f"{bob.name}{bob.email}3012033.3%",
        ]
    )
    await assert_fits(page)
    await assert_accessible(page, "teacher: students report (phone)")
    async with page.expect_download() as started:
        await page.get_by_role("button", name="Download CSV").click()
    download = await started.value
    assert download.suggested_filename == "students.csv"
    saved = tmp_path / "students.csv"
    await download.save_as(saved)
    lines = saved.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == '"id","name","email","sessions","present","late","absent","excused","rate"'
    assert lines[1:] == [
        f'"{ann.id}","{ann.name}","{ann.email}","3","2","0","1","0","0.6667"',
        f'"{bob.id}","{bob.name}","{bob.email}","3","0","1","2","0","0.3333"',
    ]

    await page.set_viewport_size(DESKTOP)
    await page.get_by_label("Report", exact=True).select_option(label="Chronic absence")
    await page.get_by_label("Absent at least (%)").fill("50")
    await page.get_by_label("Minimum roll calls").fill("3")
    await page.get_by_role("button", name="Show report").click()
    await expect(page.locator(".table-wrap tbody tr")).to_have_text(
        [f"{bob.name}{bob.email}3012066.7%33.3%"]
    )
    await assert_accessible(page, "teacher: chronic absence (laptop)")

    await show(page, "Attendance by student", From="2003-03-08", To="2003-03-07")
    await expect(page.get_by_role("alert")).to_contain_text(
        "\N{LEFT DOUBLE QUOTATION MARK}From\N{RIGHT DOUBLE QUOTATION MARK} must not be after"
    )
    await show(page, "Attendance by student", From="2003-01-01", To="2003-01-31")
    await expect(page.get_by_role("status").filter(has_text="No finished roll calls")).to_have_text(
        "No finished roll calls in this range."
    )
    await expect(page.locator(".table-wrap")).to_have_count(0)
    await assert_accessible(page, "teacher: empty report (laptop)")

    admin = await administrator(api)
    page = await web.logged_in(admin, DESKTOP, home="School")
    await page.get_by_role("link", name="Reports").click()
    await expect(heading(page)).to_have_text("Reports")
    await show(page, "Absence streaks", From="2003-03-01", To="2003-03-07")
    await page.get_by_label("Missed in a row, at least").fill("2")
    await page.get_by_role("button", name="Show report").click()
    await expect(page.locator(".table-wrap tbody tr")).to_have_text(
        [f"{bob.name}{bob.email}Physics 1012Mar 3, 2003Mar 4, 2003"]
    )
    await assert_accessible(page, "admin: absence streaks (laptop)")
    await page.set_viewport_size(PHONE)
    await show(page, "Roll calls not taken", Date="2003-03-10")
    await expect(page.locator(".table-wrap tbody tr")).to_have_text(
        [f"Physics 101{teacher.name}Mar 3, 2003"]
    )
    await assert_fits(page)
    await assert_accessible(page, "admin: roll calls not taken (phone)")
    async with page.expect_download() as started:
        await page.get_by_role("button", name="Download CSV").click()
    saved = tmp_path / "not-taken.csv"
    await (await started.value).save_as(saved)
    lines = saved.read_text(encoding="utf-8-sig").splitlines()
    assert lines == [
        '"classId","className","teacherId","teacherName","lastTakenAt"',
        f'"{class_id}","Physics 101","{teacher.id}","{teacher.name}","2003-03-03T09:00:00.000Z"',
    ]


async def test_logging_out_revokes_the_token(web: Browsing, api: Api) -> None:
    teacher = await api.signup("teacher")
    page = await web.logged_in(teacher, PHONE)
    old = await page.evaluate("localStorage.getItem('headcount.token')")
    await page.get_by_role("button", name="Log out").click()
    await expect(heading(page)).to_have_text("Log in")
    answer = await api.request("GET", "/auth/me", f"Bearer {old}")
    assert answer.status_code == 401, answer.text
