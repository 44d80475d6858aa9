"""The interactive API docs work on a network without internet, under a strict CSP."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tests.support.client import Api
from tests.web.conftest import Browsing
from tests.web.page_helpers import expect

if TYPE_CHECKING:
    from playwright.async_api import Route


async def test_docs_load_from_the_server_alone_and_authorize_works(web: Browsing, api: Api) -> None:
    teacher = await api.teacher()
    page = await web.page()
    ours = urlsplit(web.base_url).netloc
    elsewhere: list[str] = []

    async def only_ours(route: Route) -> None:
        if urlsplit(route.request.url).netloc == ours:
            await route.continue_()
        else:
            elsewhere.append(route.request.url)
            await route.abort()

    await page.context.route("**/*", only_ours)
    docs = await page.goto("/docs")
    assert docs is not None
    policy = docs.headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "https:" not in policy, policy
    await expect(page.locator(".opblock-summary-path").first).to_be_visible()
    spec = (await api.http.get("/openapi.json")).json()
    operations = sum(len(methods) for methods in spec["paths"].values())
    await expect(page.locator(".opblock")).to_have_count(operations)

    # The OAuth2 password flow behind "Authorize", then a request made with its token.
    await page.get_by_role("button", name="Authorize").first.click()
    dialog = page.locator(".modal-ux")
    await dialog.get_by_label("username:").fill(teacher.email)
    await dialog.get_by_label("password:").fill(teacher.password)
    await dialog.get_by_role("button", name="Apply given OAuth2 credentials").click()
    await expect(dialog.get_by_text("Logout")).to_be_visible()
    await dialog.get_by_role("button", name="Close").first.click()
    path = page.locator(".opblock-summary-path", has_text="/auth/me")
    me = page.locator(".opblock").filter(has=path)
    await me.locator(".opblock-summary").click()
    await me.get_by_role("button", name="Try it out").click()
    await me.get_by_role("button", name="Execute").click()
    await expect(me.locator(".live-responses-table tbody .response-col_status")).to_have_text("200")
    await expect(me.locator(".live-responses-table")).to_contain_text(teacher.email)
    assert elsewhere == []
