"""The administrator's school, continued: roster import, excusals, guardian links, webhooks."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.support.client import Api
from tests.web.conftest import DESKTOP, PHONE, Browsing
from tests.web.page_helpers import (
    administrator,
    assert_accessible,
    assert_fits,
    expect,
    heading,
    tag,
)

if TYPE_CHECKING:
    from playwright.async_api import Locator, Page

SIZES = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "laptop"])
SPAN = "Mar 10, 2031 \N{EN DASH} Mar 12, 2031"  # as en-US reads 2031-03-10 to 2031-03-12
HEADER = "className,teacherEmail,studentName,studentEmail\r\n"


def plain_csv(*lines: str) -> dict[str, object]:
    body = (HEADER + "".join(line + "\r\n" for line in lines)).encode()
    return {"name": "roster.csv", "mimeType": "text/csv", "buffer": body}


@SIZES
async def test_admin_checks_a_roster_sees_its_problems_then_imports_it(
    web: Browsing, api: Api, viewport: dict[str, int]
) -> None:
    run = tag()
    admin = await administrator(api)
    page = await web.logged_in(admin, viewport, home="School")
    await page.get_by_role("link", name=re.compile("^Roster import")).click()
    await expect(heading(page)).to_have_text("Roster import")
    await assert_accessible(page, "admin: roster import")
    said = page.locator("#roster-result-title ~ [role=status]")

    # A bad file: every problem by file, line and column; nothing is written.
    bad = plain_csv(
        f"Art {run},{run}-t@example.org,Ann Able,not-an-email",
        f"Art {run},{run}-t@example.org,Bob Best,{run}-b@example.org",
    )
    await page.get_by_label("Roster file").set_input_files(bad)  # type: ignore[arg-type]
    await page.get_by_role("button", name="Check").click()
    await expect(said).to_have_text(
        "roster.csv cannot be imported: 1 problem. Nothing was written."
    )
    problems = page.get_by_role("region", name="Problems in the file")
    await expect(problems.locator("tbody tr")).to_have_text(
        ["roster.csv2studentEmailnot an e-mail address"]
    )
    await assert_fits(page)
    await assert_accessible(page, "admin: roster problems")
    empty = {"name": "empty.csv", "mimeType": "text/csv", "buffer": b""}
    await page.get_by_label("Roster file").set_input_files(empty)  # type: ignore[arg-type]
    await page.get_by_role("button", name="Import").click()
    await expect(problems.locator("tbody tr")).to_have_text(["upload\N{EM DASH}\N{EM DASH}empty"])

    # A good file: checked (nothing written), then imported, each with its report.
    good = plain_csv(
        f"Art {run},{run}-t@example.org,Ann Able,{run}-a@example.org",
        f"Art {run},{run}-t@example.org,Bob Best,{run}-b@example.org",
    )
    await page.get_by_label("Roster file").set_input_files(good)  # type: ignore[arg-type]
    await expect(problems).to_have_count(0)
    await page.get_by_role("button", name="Check").click()
    await expect(said).to_have_text("roster.csv can be imported. Nothing has been written yet.")
    await expect(page.locator(".roster-summary li")).to_have_text(
        ["Accounts: 3 created", "Classes: 1 created", "Enrolments: 2 created"]
    )
    report = page.get_by_role("region", name="What importing would change")
    await expect(report.locator("tbody tr")).to_have_text(
        ["Schools00000", "Accounts30000", "Classes10000", "Enrolments20000", "Guardian links00000"]
    )
    found = await api.request("GET", f"/admin/users?q={run}", admin.token)
    assert found.json()["data"] == []
    await assert_accessible(page, "admin: roster dry run")

    await page.get_by_role("button", name="Import").click()
    await expect(said).to_have_text("roster.csv imported.")
    report = page.get_by_role("region", name="What the import changed")
    await expect(report.locator("tbody tr").nth(1)).to_have_text("Accounts30000")
    await assert_fits(page)
    await assert_accessible(page, "admin: roster imported")
    found = await api.request("GET", f"/admin/users?q={run}", admin.token)
    assert {a["name"] for a in found.json()["data"]} == {f"{run}-t", "Ann Able", "Bob Best"}

    # The same file again changes nothing.
    await page.get_by_role("button", name="Import").click()
    await expect(report.locator("tbody tr").nth(1)).to_have_text("Accounts00300")
    await expect(page.locator(".roster-summary li")).to_have_text(
        ["Accounts: 3 unchanged", "Classes: 1 unchanged", "Enrolments: 2 unchanged"]
    )


async def found_account(page: Page, name: str) -> Locator:
    """Search the accounts page for `name`; its one row."""
    await page.get_by_label("Search by name or email").fill(name)
    await page.get_by_role("button", name="Search").click()
    row = page.locator(".account-row").filter(has_text=name)
    await expect(row).to_have_count(1)
    return row


@SIZES
async def test_admin_excuses_a_student_in_advance_and_withdraws_it(
    web: Browsing, api: Api, viewport: dict[str, int]
) -> None:
    pupil = await api.signup("student", name=f"Excused {tag()}")
    admin = await administrator(api)
    page = await web.logged_in(admin, viewport, home="School")
    await page.goto("/#/accounts")
    await found_account(page, pupil.name)
    await page.get_by_role("button", name=f"Excusals of {pupil.name}").click()
    dialog = page.get_by_role("dialog", name=f"Excusals of {pupil.name}")
    await expect(dialog.locator(".empty")).to_have_text("No absences excused.")
    await assert_accessible(page, "admin: excusals dialog")

    said = dialog.get_by_role("status")
    await dialog.get_by_label("First day").fill("2031-03-10")
    await dialog.get_by_label("Last day").fill("2031-03-09")
    await dialog.get_by_label("Reason").fill("Hospital appointment")
    await dialog.get_by_role("button", name="Add excusal").click()
    await expect(said).to_have_text("The last day cannot be before the first day.")
    await dialog.get_by_label("Last day").fill("2031-03-12")
    await dialog.get_by_role("button", name="Add excusal").click()
    await expect(said).to_have_text(f"{pupil.name} is excused for {SPAN}.")
    await expect(dialog.locator("li")).to_have_text([f"{SPAN}Hospital appointmentWithdraw"])
    await assert_fits(page)
    await assert_accessible(page, "admin: excusal added")
    stored = await api.request("GET", f"/admin/excusals?studentId={pupil.id}", admin.token)
    assert [(e["firstDay"], e["lastDay"], e["reason"]) for e in stored.json()["data"]] == [
        ("2031-03-10", "2031-03-12", "Hospital appointment")
    ]

    # Closed and opened again, the page reads them from the server.
    await dialog.get_by_role("button", name="Close").click()
    await expect(dialog).to_be_hidden()
    await page.get_by_role("button", name=f"Excusals of {pupil.name}").click()
    await dialog.get_by_role("button", name=f"Withdraw {SPAN}").click()
    await expect(said).to_have_text(f"Excusal for {SPAN} withdrawn.")
    await expect(dialog.locator(".empty")).to_have_text("No absences excused.")
    stored = await api.request("GET", f"/admin/excusals?studentId={pupil.id}", admin.token)
    assert stored.json()["data"] == []

    # Deactivated meanwhile, the student can no longer be excused: said in the dialog.
    gone = await api.request(
        "PATCH", f"/admin/users/{pupil.id}", admin.token, json={"active": False}
    )
    assert gone.status_code == 200, gone.text
    await dialog.get_by_label("Reason").fill("Trip")
    await dialog.get_by_role("button", name="Add excusal").click()
    await expect(said).to_have_text("Student not found")
    await expect(dialog.locator(".empty")).to_have_text("No absences excused.")


@SIZES
async def test_admin_links_a_guardian_to_students_and_unlinks_one(
    web: Browsing, api: Api, viewport: dict[str, int]
) -> None:
    run = tag()
    kids = [await api.signup("student", name=f"Kid {run} {n}") for n in range(2)]
    admin = await administrator(api)
    made = await api.request(
        "POST",
        "/admin/users",
        admin.token,
        json={"name": f"Gwen {run}", "email": f"gwen-{run}@example.org", "role": "guardian"},
    )
    guardian = made.json()["data"]
    page = await web.logged_in(admin, viewport, home="School")
    await page.goto("/#/accounts")
    await found_account(page, guardian["name"])
    await page.get_by_role("button", name=f"Children of {guardian['name']}").click()
    dialog = page.get_by_role("dialog", name=f"Children of {guardian['name']}")
    await expect(dialog.locator(".empty")).to_have_text("Linked to no student.")
    await assert_accessible(page, "admin: guardian dialog")

    said = dialog.get_by_role("status")
    await dialog.get_by_label("Find a student by name or email").fill(f"Kid {run}")
    await dialog.get_by_role("button", name="Find").click()
    for kid in kids:
        await dialog.get_by_role("button", name=f"Link {kid.name} ({kid.email})").click()
        await expect(said).to_have_text(f"{guardian['name']} is linked to {kid.name}.")
    children = dialog.locator(".with-action")
    await expect(children).to_have_text([f"{k.name}{k.email}Unlink" for k in kids])
    await assert_fits(page)
    await assert_accessible(page, "admin: guardian linked")

    await dialog.get_by_role("button", name=f"Unlink {kids[0].name} ({kids[0].email})").click()
    await expect(said).to_have_text(f"{kids[0].name} unlinked.")
    await expect(children).to_have_text([f"{kids[1].name}{kids[1].email}Unlink"])
    stored = await api.request("GET", f"/admin/guardians/{guardian['id']}/students", admin.token)
    assert [c["id"] for c in stored.json()["data"]] == [kids[1].id]

    # Unlinked meanwhile elsewhere: the refusal is said in the dialog.
    path = f"/admin/guardians/{guardian['id']}/students/{kids[1].id}"
    assert (await api.request("DELETE", path, admin.token)).status_code == 200
    await dialog.get_by_role("button", name=f"Unlink {kids[1].name} ({kids[1].email})").click()
    await expect(said).to_have_text("Student not found")
