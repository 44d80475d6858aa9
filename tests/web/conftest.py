"""Headless Chromium driving the real pages against the real server, on each backend.

Needs the `playwright` package and a system Chromium (Debian's `chromium`; another binary with
HEADCOUNT_CHROMIUM). Without them these tests skip, unless HEADCOUNT_REQUIRE names "browser"
(the "browser" check of tests/support/tools.py).
Screenshots go to HEADCOUNT_SCREENSHOTS when set, else into the test's temporary directory.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import require
from tests.support.backends import Backend
from tests.support.client import Account
from tests.support.server import ServerProcess, start_server
from tests.support.tools import chromium_path

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Page

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    require("browser")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS
        )
        yield launched
        await launched.close()


@dataclass
class Browsing:
    """New pages in fresh browser contexts, watched for script errors and CSP violations."""

    browser: Browser
    base_url: str
    problems: list[str] = field(default_factory=list)
    contexts: list[BrowserContext] = field(default_factory=list)

    async def page(self, viewport: dict[str, int] | None = None) -> Page:
        context = await self.browser.new_context(
            viewport=viewport or DESKTOP, base_url=self.base_url, accept_downloads=True
        )
        self.contexts.append(context)
        page = await context.new_page()
        page.set_default_timeout(10_000)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("console", self._console)
        return page

    def _console(self, message: Any) -> None:
        text = message.text
        if message.type == "error" and ("Content Security Policy" in text or "Uncaught" in text):
            self.problems.append(f"console: {text}")

    async def logged_in(
        self, account: Account, viewport: dict[str, int] | None = None, home: str = "My classes"
    ) -> Page:
        """A page of its own, logged in through the login form, on its home page (`home`)."""
        from playwright.async_api import expect

        page = await self.page(viewport)
        await page.goto("/#/login")
        await page.get_by_label("Email").fill(account.email)
        await page.get_by_label("Password").fill(account.password)
        await page.get_by_role("button", name="Log in").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text(home)
        await expect(page.locator("#conn")).to_have_text("Live")
        return page


@asynccontextmanager
async def browsing(browser: Browser, base_url: str) -> AsyncIterator[Browsing]:
    """Pages on `base_url`; at the end, no page may have thrown or broken the CSP."""
    session = Browsing(browser, base_url)
    try:
        yield session
    finally:
        for context in session.contexts:
            await context.close()
    assert not session.problems, "\n".join(session.problems)


@pytest.fixture
async def web(browser: Browser, server: ServerProcess) -> AsyncIterator[Browsing]:
    async with browsing(browser, server.base_url) as session:
        yield session


@pytest.fixture
async def own_server(browser: Browser, tmp_path: Path) -> AsyncIterator[ServerProcess]:
    """A server of this test's own (SQLite), for tests that stop and restart it."""
    stack = ExitStack()
    (tmp_path / "db").mkdir()

    def start() -> ServerProcess:
        backend = stack.enter_context(Backend.create("sqlite", tmp_path / "db"))
        return stack.enter_context(start_server(backend, workdir=tmp_path))

    process = await asyncio.to_thread(start)
    try:
        yield process
    finally:
        await asyncio.to_thread(stack.close)


@pytest.fixture
def shots(tmp_path: Path) -> Iterator[Path]:
    target = Path(os.environ.get("HEADCOUNT_SCREENSHOTS") or tmp_path / "screenshots")
    target.mkdir(parents=True, exist_ok=True)
    yield target
