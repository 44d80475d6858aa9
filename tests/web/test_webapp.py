"""The web app end to end: real pages in headless Chromium against a real server."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import zxingcpp
from PIL import Image

from tests.support.client import Api
from tests.support.server import ServerProcess
from tests.web.conftest import DESKTOP, PHONE, Browsing, browsing
from tests.web.page_helpers import (
    assert_fits,
    assert_labelled,
    count,
    current_code,
    expect,
    heading,
    mark_button,
    outbox,
    row,
    server_state,
    tag,
)

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page

ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


async def test_signup_login_logout_and_errors_in_words(web: Browsing, api: Api) -> None:
    page = await web.page()
    await page.goto("/")
    await expect(heading(page)).to_have_text("Log in")
    await assert_labelled(page)
    await page.get_by_role("link", name="Sign up").click()
    await expect(heading(page)).to_have_text("Sign up")
    await assert_labelled(page)
    email = f"web-{tag()}@school.example.com"
    await page.get_by_label("Name").fill("Grace Teacher")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill("secret-pass")
    await page.get_by_role("radio", name="Teacher").check()
    await page.get_by_role("button", name="Create account").click()
    await expect(heading(page)).to_have_text("My classes")
    await expect(page.locator("#who")).to_have_text("Grace Teacher (teacher)")
    await expect(page.locator("#conn")).to_have_text("Live")

    await page.get_by_role("button", name="Log out").click()
    await expect(heading(page)).to_have_text("Log in")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill("wrong-pass")
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("alert")).to_contain_text("Invalid email or password")

    await page.get_by_role("link", name="Sign up").click()
    await page.get_by_label("Name").fill("Grace Again")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill("secret-pass")
    await page.get_by_role("button", name="Create account").click()
    await expect(page.get_by_role("alert")).to_contain_text("Email already exists")


async def test_teacher_runs_a_roll_call_that_students_follow_live(web: Browsing, api: Api) -> None:
    run = tag()
    teacher = await api.teacher()
    ada = await api.signup("student", name=f"Ada {run}")
    bob = await api.signup("student", name=f"Bob {run}")
    class_name = f"Biology {run}"

    page = await web.logged_in(teacher)
    sockets: list[str] = []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    await page.reload()
    await page.get_by_label("Class name").fill(class_name)
    await page.get_by_role("button", name="Create class").click()
    await expect(heading(page)).to_have_text(class_name)
    class_id = page.url.rsplit("/", 1)[-1]
    search = page.get_by_label("Search students by name or email")
    enrolled = page.locator(".plain-list").first
    for student in (ada, bob):
        await search.fill(student.name)
        await page.get_by_role("button", name=f"Add {student.name} ({student.email})").click()
        await expect(enrolled).to_contain_text(student.name)
    await expect(page.locator(".results")).to_contain_text("In this class")
    await assert_labelled(page)

    await page.get_by_role("button", name="Start roll call").click()
    await expect(heading(page)).to_have_text(f"Roll call: {class_name}")
    await expect(count(page, "unmarked")).to_have_text("2")
    # The token travels in the subprotocol: no URL the browser opens carries it.
    assert sockets and not [url for url in sockets if teacher.token in url], sockets

    # Ada checks in with the code on the teacher's screen; both pages see it without a reload.
    student = await web.logged_in(ada)
    await student.get_by_role("link", name=class_name).click()
    status = student.locator(".my-status")
    await expect(status).to_have_text("Roll call running. Your status: Not marked.")
    await student.evaluate("window.sameDocument = true")
    await student.get_by_label("Check-in code").fill(await current_code(page))
    await student.get_by_role("button", name="Check in").click()
    await expect(status).to_have_text("Roll call running. Your status: Present.")
    await expect(row(page, ada)).to_contain_text("Present")
    await expect(count(page, "present")).to_have_text("1")

    # The teacher's tap overrides the check-in, and Ada's page follows.
    await mark_button(page, "Late", ada).click()
    await expect(count(page, "late")).to_have_text("1")
    await expect(count(page, "present")).to_have_text("0")
    await expect(mark_button(page, "Late", ada)).to_have_attribute("aria-pressed", "true")
    await expect(status).to_have_text("Roll call running. Your status: Late.")
    assert await student.evaluate("window.sameDocument") is True

    # Bob opens the QR code's link before logging in: he logs in, and the check-in happens.
    link = str(await page.locator(".checkin-link").text_content())
    assert link.startswith(f"{web.base_url}/#/check-in/{class_id}/")
    phone = await web.page(PHONE)
    await phone.goto(link)
    await expect(heading(phone)).to_have_text("Log in")
    await phone.get_by_label("Email").fill(bob.email)
    await phone.get_by_label("Password").fill(bob.password)
    await phone.get_by_role("button", name="Log in").click()
    await expect(heading(phone)).to_have_text(class_name)
    await expect(phone.locator(".my-status")).to_have_text(
        "Roll call running. Your status: Present."
    )
    await expect(count(page, "present")).to_have_text("1")

    # With the keyboard only.
    excused = mark_button(page, "Excused", bob)
    await excused.focus()
    await page.keyboard.press("Enter")
    await expect(excused).to_have_attribute("aria-pressed", "true")
    await expect(count(page, "excused")).to_have_text("1")
    await expect(count(page, "unmarked")).to_have_text("0")
    await expect(phone.locator(".my-status")).to_contain_text("Your status: Excused.")
    await assert_labelled(page)
    await assert_labelled(student)


async def test_offline_marks_are_kept_and_replayed(web: Browsing, api: Api) -> None:
    teacher, class_id, (first, second) = await api.classroom(2)
    await api.start(teacher, class_id)
    page = await web.logged_in(teacher)
    await page.goto(f"/#/class/{class_id}/roll")
    await expect(count(page, "unmarked")).to_have_text("2")

    await page.context.set_offline(True)
    await expect(page.locator("#conn")).to_have_text("Offline")
    await mark_button(page, "Absent", first).click()
    await mark_button(page, "Late", second).click()
    unsent = page.locator(".unsent")
    await expect(unsent).to_be_visible()
    await expect(unsent.get_by_role("heading")).to_have_text("Not sent yet (2)")
    await expect(unsent).to_contain_text(f"{first.name}: Absent")
    await expect(unsent).to_contain_text(f"{second.name}: Late")
    await expect(row(page, first)).to_contain_text("Absent (not sent yet)")
    await expect(count(page, "absent")).to_have_text("1")
    await expect(page.get_by_role("button", name="Finish roll call…")).to_be_disabled()

    queued = await outbox(page)
    assert [(e["studentId"], e["status"]) for e in queued] == [
        (first.id, "absent"),
        (second.id, "late"),
    ]
    for entry in queued:
        assert entry["classId"] == class_id
        assert ISO_MS.match(entry["markedAt"]), entry
        assert uuid.UUID(entry["opId"]).version == 4
    assert (await server_state(api, teacher, class_id))["attendance"][first.id] is None

    # Leaving the roll call and coming back, still offline: the saved roster and the queue remain.
    await page.goto("/#/")
    await expect(page.get_by_role("alert")).to_contain_text("Could not reach the server")
    await page.goto(f"/#/class/{class_id}/roll")
    await expect(row(page, first)).to_contain_text("Absent (not sent yet)")
    await expect(unsent.get_by_role("heading")).to_have_text("Not sent yet (2)")

    # Meanwhile another device marks the first student, later than the offline tap: it must win.
    async with await api.ws(teacher) as socket:
        data = {"classId": class_id, "studentId": first.id, "status": "excused"}
        await socket.send("ATTENDANCE_MARKED", data)
        assert (await socket.receive())["data"]["status"] == "excused"

    await page.context.set_offline(False)
    await expect(page.locator("#conn")).to_have_text("Live")
    await expect(unsent).to_be_hidden()
    await expect(row(page, first)).to_contain_text("Excused")
    await expect(row(page, second)).to_contain_text("Late")
    await expect(count(page, "excused")).to_have_text("1")
    await expect(count(page, "absent")).to_have_text("0")
    assert await outbox(page) == []
    state = await server_state(api, teacher, class_id)
    assert state["attendance"] == {first.id: "excused", second.id: "late"}


async def test_reconnects_after_a_server_restart_and_sends_what_was_queued(
    browser: Browser, own_server: ServerProcess
) -> None:
    async with Api(own_server) as api, browsing(browser, own_server.base_url) as web:
        teacher, class_id, (first, second) = await api.classroom(2)
        await api.start(teacher, class_id)
        page = await web.logged_in(teacher)
        await page.goto(f"/#/class/{class_id}/roll")
        await expect(count(page, "unmarked")).to_have_text("2")

        await asyncio.to_thread(own_server.stop)
        await expect(page.locator("#conn")).to_have_text("Connecting…")
        await mark_button(page, "Present", first).click()
        await expect(page.locator(".unsent")).to_contain_text(f"{first.name}: Present")
        # The roll call goes on without this page: another device marks the second student.
        await asyncio.to_thread(own_server.start)
        async with await api.ws(teacher) as socket:
            data = {"classId": class_id, "studentId": second.id, "status": "late"}
            await socket.send("ATTENDANCE_MARKED", data)
            await socket.receive()

        await expect(page.locator("#conn")).to_have_text("Live", timeout=30_000)
        await expect(page.locator(".unsent")).to_be_hidden()
        await expect(row(page, first)).to_contain_text("Present")
        await expect(row(page, second)).to_contain_text("Late")  # resynced by SESSION_STATE
        state = await server_state(api, teacher, class_id)
        assert state["attendance"] == {first.id: "present", second.id: "late"}


async def test_finish_with_confirmation_then_history_and_csv(web: Browsing, api: Api) -> None:
    teacher, class_id, (first, second) = await api.classroom(2)
    await api.start(teacher, class_id)
    page = await web.logged_in(teacher)
    await page.goto(f"/#/class/{class_id}/roll")
    student = await web.logged_in(second, PHONE)
    await student.goto(f"/#/class/{class_id}")
    status = student.locator(".my-status")
    await expect(status).to_have_text("Roll call running. Your status: Not marked.")

    await mark_button(page, "Present", first).click()
    await expect(count(page, "present")).to_have_text("1")
    finish = page.get_by_role("button", name="Finish roll call…")
    dialog = page.get_by_role("dialog", name="Finish the roll call?")
    await finish.click()
    await expect(dialog).to_be_visible()
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    await finish.click()
    await dialog.get_by_role("button", name="Keep marking").click()
    await expect(dialog).to_be_hidden()
    await expect(finish).to_be_enabled()
    await finish.click()
    await dialog.get_by_role("button", name="Finish and save").click()
    await expect(page.locator(".summary")).to_contain_text(
        "The roll call is saved. Present 1, absent 1, late 0, excused 0: 2 students. "
        "1 student not marked before finishing counted as absent."
    )
    await expect(mark_button(page, "Late", first)).to_be_disabled()
    await expect(status).to_have_text("The roll call has finished. Your status: Absent.")
    await expect(student.locator("table")).to_contain_text("Absent")

    await page.get_by_role("link", name="Back to the class").click()
    await expect(page.get_by_role("region", name="Roll calls")).to_contain_text("Present")
    matrix = page.get_by_role("region", name="Attendance by student")
    await expect(matrix).to_contain_text(first.name)
    await expect(matrix).to_contain_text("100%")
    async with page.expect_download() as info:
        await page.get_by_role("button", name="Download CSV").click()
    download = await info.value
    assert download.suggested_filename.endswith(".csv")
    saved = Path(await download.path())
    text = await asyncio.to_thread(saved.read_text, encoding="utf-8")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header[:2] == ["name", "email"] and header[2].endswith(" UTC") and header[-1] == "rate"
    by_name = {r[0]: r for r in rows}
    assert by_name[first.name][2:] == ["present", "1.0000"]
    assert by_name[second.name][2:] == ["absent", "0.0000"]


@pytest.mark.parametrize(
    ("name", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)], ids=["phone", "desktop"]
)
async def test_roster_and_projector_fit_the_screen(
    web: Browsing, api: Api, shots: Path, name: str, viewport: dict[str, int]
) -> None:
    teacher, class_id, students = await api.classroom(6)
    await api.start(teacher, class_id)
    for student, status in zip(students, ("present", "late", "excused"), strict=False):
        body = {"classId": class_id, "studentId": student.id, "status": status}
        response = await api.request("POST", "/attendance/mark", teacher.token, json=body)
        assert response.status_code == 200, response.text
    page = await web.logged_in(teacher, viewport)
    await page.goto(f"/#/class/{class_id}/roll")
    await expect(count(page, "unmarked")).to_have_text("3")
    await current_code(page)
    await assert_fits(page)
    await assert_labelled(page)
    await page.screenshot(path=shots / f"roster-{name}.png", full_page=True)

    await page.get_by_role("link", name="Projector view").click()
    await expect(heading(page)).to_have_text("Check in: Physics 101")
    await current_code(page)
    await expect(page.locator(".checked-in")).to_have_text("2 of 6 here")
    qr = page.get_by_role("img", name=re.compile("QR code of the check-in link"))
    await expect(qr).to_be_visible()
    box = await qr.bounding_box()
    assert box is not None and box["width"] >= 150
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    digits = await page.locator(".code-digits").bounding_box()
    assert digits is not None and digits["x"] + digits["width"] <= viewport["width"]
    await assert_fits(page)
    code, link = await projector_shot(page, shots / f"projector-{name}.png")
    expected = f"{web.base_url}/#/check-in/{class_id}/{code}"
    assert link == expected
    assert await asyncio.to_thread(decode_qr, shots / f"projector-{name}.png") == [expected]


async def projector_shot(page: Page, path: Path) -> tuple[str, str]:
    """A screenshot of the projector, and the code and link it shows. The code turns every
    20 s: when it turned while the shot was taken, the second shot is of one code."""
    for _ in range(2):
        code = await current_code(page)
        link = str(await page.locator(".checkin-link").text_content())
        await page.screenshot(path=path)
        if await current_code(page) == code:
            return code, link
    raise AssertionError("the check-in code turned during two screenshots in a row")


def decode_qr(image: Path) -> list[str]:
    """What the QR codes in a screenshot say, read as a phone's camera would read the screen."""
    with Image.open(image) as screen:
        found = zxingcpp.read_barcodes(screen, formats=zxingcpp.BarcodeFormat.QRCode)
    return [barcode.text for barcode in found]
