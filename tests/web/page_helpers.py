"""What the browser tests look for on a page, and what they ask the server behind it."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.support.client import PASSWORD, Account, Api

try:
    from playwright.async_api import expect
except ImportError:  # the `browser` fixture skips, or fails when required, and says why
    expect = None

if TYPE_CHECKING:
    from playwright.async_api import Locator, Page

# axe-core from npm, vendored so the tests need no network: see docs/webapp.md.
AXE = Path(__file__).with_name("axe.min.js")
AXE_RUN = """async () => (await axe.run(document, { resultTypes: ['violations'] })).violations
  .map((v) => `${v.impact} ${v.id}: ${v.help}\\n` +
    v.nodes.map((n) => `  ${n.target.join(' ')}: ${n.failureSummary}`).join('\\n'))"""
UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea, button')]
  .filter((el) => el.type !== 'hidden')
  .filter((el) => !(el.labels?.length || el.getAttribute('aria-label')
    || el.getAttribute('aria-labelledby') || (el.tagName === 'BUTTON' && el.textContent.trim())))
  .map((el) => el.outerHTML)"""


def tag() -> str:
    return uuid.uuid4().hex[:6]


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def count(page: Page, key: str) -> Locator:
    return page.locator(f".count-{key} dd")


def row(page: Page, student: Account) -> Locator:
    return page.locator(".roster-row").filter(has=page.get_by_text(student.name, exact=True))


def mark_button(page: Page, status: str, student: Account) -> Locator:
    return page.get_by_role("button", name=f"{status}: {student.name}", exact=True)


async def current_code(page: Page) -> str:
    digits = page.locator(".code-digits")
    await expect(digits).to_have_text(re.compile(r"^\d{6}$"))
    return str(await digits.text_content())


async def assert_labelled(page: Page) -> None:
    """Every form control and button has an accessible name."""
    assert await page.evaluate(UNLABELLED) == []


async def assert_fits(page: Page) -> None:
    """Nothing sticks out sideways (no horizontal scrolling)."""
    overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the viewport"


async def assert_in_reach(page: Page, target: Locator, what: str) -> None:
    """`target` is on screen and nothing covers its middle, so a tap there reaches it."""
    reach = await target.evaluate(
        """(el) => {
          const r = el.getBoundingClientRect();
          const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
          // Whole CSS pixels: layout leaves fractions (844.016 of 844) that no screen shows.
          const covered = !el.contains(hit);
          return { top: Math.round(r.top), bottom: Math.round(r.bottom), covered };
        }"""
    )
    height = await page.evaluate("innerHeight")
    assert reach["top"] >= 0 and reach["bottom"] <= height, f"{what} is off screen: {reach}"
    assert not reach["covered"], f"something covers {what}"


async def assert_accessible(page: Page, where: str) -> None:
    """axe-core finds no violation of any impact on the page as it is now."""
    if not await page.evaluate("typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, which the page's CSP does not govern.
        await page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = await page.evaluate(AXE_RUN)
    assert not violations, f"{where}:\n" + "\n".join(violations)


async def server_state(api: Api, teacher: Account, class_id: str) -> dict[str, Any]:
    async with await api.ws(teacher) as socket:
        await socket.send("SESSION_STATE", {"classId": class_id})
        while True:
            message = await socket.receive()
            if message["event"] == "SESSION_STATE":
                return dict(message["data"])


async def outbox(page: Page) -> list[dict[str, Any]]:
    raw = await page.evaluate(
        "Object.keys(localStorage).filter((k) => k.startsWith('headcount.outbox.'))"
        ".map((k) => localStorage.getItem(k))"
    )
    return [entry for text in raw for entry in json.loads(text)]


def _create_admin(api: Api, name: str, email: str) -> None:
    """`headcount admin create` against the server's database: the one way an admin is made."""
    server = api.server
    command = [sys.executable, "-m", "headcount", "admin", "create", "--email", email]
    command += ["--name", name, "--password", PASSWORD]
    done = subprocess.run(command, cwd=server.workdir, env=server.env, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()


async def administrator(api: Api) -> Account:
    """A new administrator of the default school (where sign-ups land), logged in."""
    name = f"Admin {tag()}"
    email = f"{name.lower().replace(' ', '-')}@school.example.com"
    await asyncio.to_thread(_create_admin, api, name, email)
    login = await api.http.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    token = login.json()["data"]["token"]
    me = await api.request("GET", "/auth/me", f"Bearer {token}")
    return Account(me.json()["data"]["id"], name, email, "admin", PASSWORD, token)
