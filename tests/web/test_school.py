"""The administrator's school: accounts, setup codes, classes; and redeeming a setup code."""

from __future__ import annotations

import re

import pytest

from tests.support.client import Api
from tests.web.conftest import DESKTOP, PHONE, Browsing
from tests.web.page_helpers import administrator, assert_accessible, expect, heading, tag

SIZES = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "laptop"])


@SIZES
async def test_admin_manages_accounts_and_a_setup_code_logs_in(
    web: Browsing, api: Api, viewport: dict[str, int]
) -> None:
    admin = await administrator(api)
    page = await web.logged_in(admin, viewport, home="School")
    await assert_accessible(page, "admin: school")
    await page.get_by_role("link", name=re.compile("^Accounts")).click()
    await expect(heading(page)).to_have_text("Accounts")

    name, email = f"New Pupil {tag()}", f"pupil-{tag()}@school.example.com"
    await page.get_by_label("Name", exact=True).fill(name)
    await page.get_by_label("Email", exact=True).fill(email)
    await page.get_by_role("button", name="Create account").click()
    row = page.locator(".account-row").filter(has_text=email)
    await expect(row).to_contain_text("Student · no password yet")
    await page.get_by_label("Search by name or email").fill(name)
    await page.get_by_role("button", name="Search").click()
    await expect(page.locator(".accounts [role=status], .card > [role=status]")).to_have_text(
        "1 account found."
    )
    await assert_accessible(page, "admin: accounts")

    # The code is shown once, in a dialog; closing it forgets it.
    await page.get_by_role("button", name=f"Setup code for {name}").click()
    dialog = page.get_by_role("dialog")
    code = page.locator(".setup-code")
    await expect(code).to_have_text(re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$"))
    setup_code = str(await code.text_content())
    await assert_accessible(page, "admin: setup code")
    await dialog.get_by_role("button", name="Done").click()
    await expect(dialog).to_be_hidden()
    await expect(code).to_have_text("")

    # Deactivated, the account cannot log in; reactivated, it can be set up.
    await page.get_by_role("button", name=f"Deactivate {name}").click()
    await assert_accessible(page, "admin: deactivate dialog")
    await page.get_by_role("dialog").get_by_role("button", name="Deactivate").click()
    await expect(row).to_contain_text("Deactivated")
    await expect(page.get_by_role("button", name=f"Reactivate {name}")).to_be_visible()
    await page.get_by_role("button", name=f"Reactivate {name}").click()
    await expect(row).not_to_contain_text("Deactivated")

    pupil = await web.page(viewport)
    await pupil.goto("/#/login")
    await pupil.get_by_role("link", name="Set up my account").click()
    await expect(heading(pupil)).to_have_text("Set up my account")
    await assert_accessible(pupil, "setup page")
    await pupil.get_by_label("Email").fill(email)
    await pupil.get_by_label("Setup code").fill("AAAA-BBBB-CCCC")
    await pupil.get_by_label("New password").fill("pupil-pass")
    await pupil.get_by_role("button", name="Set password and log in").click()
    await expect(pupil.locator("#alerts")).to_contain_text("Invalid or expired setup code")
    await pupil.get_by_label("Setup code").fill(setup_code.lower().replace("-", " "))
    await pupil.get_by_role("button", name="Set password and log in").click()
    await expect(heading(pupil)).to_have_text("My classes")
    await expect(pupil.locator("#who")).to_have_text(f"{name} (student)")
    login = await api.http.post("/auth/login", json={"email": email, "password": "pupil-pass"})
    assert login.status_code == 200


@SIZES
async def test_admin_renames_archives_restores_and_manages_students(
    web: Browsing, api: Api, viewport: dict[str, int]
) -> None:
    run = tag()
    teacher, class_id, (ada, bob) = await api.classroom(2)
    class_name = f"Biology {run}"
    renamed = await api.request(
        "PATCH", f"/class/{class_id}", teacher.token, json={"className": class_name}
    )
    assert renamed.status_code == 200, renamed.text
    pupils = [await api.signup("student", name=f"Joiner {run} {n}") for n in range(3)]
    admin = await administrator(api)
    page = await web.logged_in(admin, viewport, home="School")
    await page.get_by_role("link", name=re.compile("^Classes")).click()
    card = page.locator(".cards li").filter(has_text=class_name)
    await expect(card).to_contain_text(f"{teacher.name} · 2 students")
    await assert_accessible(page, "admin: classes")
    await card.get_by_role("link", name=class_name).click()
    await expect(heading(page)).to_have_text(class_name)

    # Remove one student, then add three at once (one request: POST /class/:id/students).
    await page.get_by_role("button", name=f"Remove {ada.name} ({ada.email})").click()
    await assert_accessible(page, "admin: remove dialog")
    await page.get_by_role("dialog").get_by_role("button", name="Remove").click()
    said = page.locator("#students-title ~ [role=status]")
    await expect(said).to_have_text(f"{ada.name} removed from the class.")
    await page.get_by_label("Search students by name or email").fill(f"Joiner {run}")
    await expect(page.locator(".results li")).to_have_count(3)
    await page.get_by_role("button", name="Select all shown").click()
    await page.get_by_label(f"Select {pupils[1].name} ({pupils[1].email})").uncheck()
    await page.get_by_role("button", name="Add 2 selected students").click()
    await expect(said).to_have_text("2 students added to the class.")
    await expect(page.locator("#students-title")).to_have_text("Students (3)")
    await assert_accessible(page, "admin: class")
    detail = await api.request("GET", f"/class/{class_id}", teacher.token)
    ids = {s["id"] for s in detail.json()["data"]["students"]}
    assert ids == {bob.id, pupils[0].id, pupils[2].id}

    # Rename, archive (confirmed), restore.
    await page.get_by_label("Class name").fill(f"Botany {run}")
    await page.get_by_role("button", name="Rename").click()
    await expect(heading(page)).to_have_text(f"Botany {run}")
    await page.get_by_role("button", name="Archive class…").click()
    await assert_accessible(page, "admin: archive dialog")
    await page.get_by_role("dialog").get_by_role("button", name="Archive").click()
    await expect(heading(page)).to_have_text(f"Botany {run} Archived")
    await expect(page.get_by_role("button", name="Start roll call")).to_have_count(0)
    await assert_accessible(page, "admin: archived class")
    await page.get_by_role("link", name="Classes").click()
    archived_card = page.locator(".cards li").filter(has_text=f"Botany {run}")
    await expect(archived_card).to_have_count(0)
    await page.get_by_label("Show archived classes").check()
    await expect(archived_card).to_contain_text("Archived")
    await archived_card.get_by_role("link").click()
    await page.get_by_role("button", name="Restore class").click()
    await expect(heading(page)).to_have_text(f"Botany {run}")
    await expect(page.get_by_role("button", name="Start roll call")).to_be_visible()
