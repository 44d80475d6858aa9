"""The administrator's school, continued: roster import, excusals, guardian links, webhooks."""

from __future__ import annotations

import re

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

SIZES = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "laptop"])
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

    # A good file: checked (nothing written), then imported, each with its report.
    good = plain_csv(
        f"Art {run},{run}-t@example.org,Ann Able,{run}-a@example.org",
        f"Art {run},{run}-t@example.org,Bob Best,{run}-b@example.org",
    )
    await page.get_by_label("Roster file").set_input_files(good)  # type: ignore[arg-type]
    await expect(problems).to_have_count(0)
    await page.get_by_role("button", name="Check").click()
    await expect(said).to_have_text("roster.csv can be imported. Nothing has been written yet.")
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
