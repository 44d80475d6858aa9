"""The administrator's webhooks page, against a server that may deliver to this machine and
gives up on a delivery within seconds, so that a failed one can be resent."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import pytest

from tests.notify.receiver import receiver
from tests.support.backends import Backend
from tests.support.client import Api
from tests.support.server import ServerProcess, start_server
from tests.web.conftest import DESKTOP, PHONE, browsing
from tests.web.page_helpers import assert_accessible, assert_fits, expect, heading

if TYPE_CHECKING:
    from playwright.async_api import Browser

SIZES = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "laptop"])
# Retried for 3.6 s: the first retry (after 5 s at least) is already too late, so it fails.
HOOKED = {"WEBHOOKS_ALLOW_PRIVATE": "true", "WEBHOOK_RETRY_HOURS": "0.001"}
SETTLED = 30_000  # ms: a delivery is attempted by the server's deliverer, in its own time


@pytest.fixture(scope="module")
def hooked_server(
    backend: Backend, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    workdir = tmp_path_factory.mktemp("hooked-web")
    with (
        Backend.create(backend.kind, workdir) as own,
        start_server(own, workdir, env=HOOKED) as process,
    ):
        yield process


@pytest.fixture
async def hooked(hooked_server: ServerProcess) -> AsyncIterator[Api]:
    async with Api(hooked_server) as client:
        yield client


@SIZES
async def test_admin_adds_an_endpoint_resends_a_failed_delivery_pauses_and_removes_it(
    browser: Browser, hooked: Api, viewport: dict[str, int]
) -> None:
    admin = await hooked.admin()
    teacher, class_id, _ = await hooked.classroom(1)
    with receiver() as local:
        local.answer = 500
        async with browsing(browser, hooked.server.base_url) as web:
            page = await web.logged_in(admin, viewport, home="School")
            await page.get_by_role("link", name=re.compile("^Webhooks")).click()
            await expect(heading(page)).to_have_text("Webhooks")
            await expect(page.locator(".empty")).to_have_text("No endpoints yet.")
            await assert_accessible(page, "admin: webhooks")

            # Refused before and by the server, each said in the page's message area.
            alerts = page.locator("#alerts")
            await page.get_by_label("URL").fill("ftp://example.org/hook")
            await page.get_by_role("button", name="Add endpoint").click()
            await expect(alerts).to_contain_text("Choose at least one event.")
            await page.get_by_label("A roll call starts").check()
            await page.get_by_role("button", name="Add endpoint").click()
            await expect(alerts).to_contain_text("Webhook URL not allowed")
            await expect(page.locator(".empty")).to_have_text("No endpoints yet.")
            for _ in range(2):  # errors stay until dismissed; these would cover the buttons
                await alerts.get_by_role("button", name="Dismiss").first.click()
            await expect(alerts.locator(".toast")).to_have_count(0)

            await page.get_by_label("URL").fill(local.url)
            await page.get_by_role("button", name="Add endpoint").click()
            shown = page.get_by_role("dialog", name=f"Signing secret for {local.url}")
            secret = page.locator(".secret")
            await expect(secret).to_have_text(re.compile(r"^whsec_"))
            local.secret = str(await secret.text_content())
            await assert_fits(page)
            await assert_accessible(page, "admin: webhook secret")
            await shown.get_by_role("button", name="Close").click()
            await expect(secret).to_have_text("")
            row = page.locator(".account-row").filter(has_text=local.url)
            await expect(row).to_contain_text("session.started")

            started = await hooked.request(
                "POST", "/attendance/start", teacher.token, json={"classId": class_id}
            )
            assert started.status_code in (200, 201), started.text
            await page.get_by_role("button", name=f"Deliveries to {local.url}").click()
            dialog = page.get_by_role("dialog", name=f"Deliveries to {local.url}")
            delivery = dialog.locator("tbody tr")
            await expect(delivery).to_contain_text("failed", timeout=SETTLED)
            await expect(delivery).to_contain_text("HTTP 500")
            await assert_accessible(page, "admin: failed delivery")

            local.answer = 204
            await dialog.get_by_role("button", name="Resend session.started").click()
            await expect(dialog.get_by_role("status")).to_have_text(
                "session.started will be sent again now."
            )
            await expect(delivery).to_contain_text("delivered", timeout=SETTLED)
            [event] = await local.wait_for(1)
            assert event["type"] == "session.started"
            assert event["data"]["classId"] == class_id
            await assert_accessible(page, "admin: delivered")
            await dialog.get_by_role("button", name="Close").click()

            await page.get_by_role("button", name=f"Pause {local.url}").click()
            await expect(row).to_contain_text("Paused")
            await page.get_by_role("button", name=f"Resume {local.url}").click()
            await expect(row).not_to_contain_text("Paused")
            await page.get_by_role("button", name=f"Remove {local.url}").click()
            await assert_accessible(page, "admin: remove endpoint dialog")
            await page.get_by_role("dialog").get_by_role("button", name="Remove").click()
            await expect(page.locator(".empty")).to_have_text("No endpoints yet.")
    listed = await hooked.request("GET", "/admin/webhooks", f"Bearer {admin.token}")
    assert listed.json()["data"] == []
