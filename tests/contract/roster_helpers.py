"""An administrator of a district of their own, on the test's server, to import into."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.contract.helpers import ok, tag
from tests.support.client import Account, Api
from tests.support.oneroster import OneRoster
from tests.support.server import ServerProcess

PASSWORD = "admin-password-1"
INVALID_ROSTER = "Invalid roster file"


@dataclass(frozen=True)
class District:
    sid: str
    admin: Account


def headcount(server: ServerProcess, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "headcount", *args],
        cwd=server.workdir,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def make_district(server: ServerProcess, tmp: Path) -> District:
    """A district made by the server's own command (an import of its org), and its admin."""
    marker = tag()
    roster = OneRoster(mode="delta")
    roster.rows["orgs.csv"].append(
        {"sourcedId": f"{marker}-district", "name": f"District {marker}", "type": "district"}
    )
    path = tmp / f"{marker}.zip"
    path.write_bytes(roster.zip())
    imported = headcount(server, "roster", "import", str(path))
    assert imported.returncode == 0, imported.stderr
    email = f"admin-{marker}@example.org"
    created = headcount(
        server,
        "admin",
        "create",
        "--email",
        email,
        "--name",
        "Ada Admin",
        "--school",
        f"{marker}-district",
        "--password",
        PASSWORD,
    )
    assert created.returncode == 0, created.stderr
    with httpx.Client(base_url=server.base_url, trust_env=False) as http:
        login = http.post("/auth/login", json={"email": email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        token = login.json()["data"]["token"]
        me = http.get("/auth/me", headers={"Authorization": token}).json()["data"]
    admin = Account(me["id"], "Ada Admin", email, "admin", PASSWORD, token)
    return District(f"{marker}-district", admin)


async def post_roster(api: Api, admin: Account, data: bytes, query: str = "") -> Any:
    return await api.request("POST", f"/admin/rosters{query}", admin.token, content=data)


async def imported(api: Api, admin: Account, data: bytes, query: str = "") -> dict[str, Any]:
    report = ok(await post_roster(api, admin, data, query))
    assert isinstance(report, dict)
    return report


async def accounts(api: Api, admin: Account, needle: str) -> dict[str, dict[str, Any]]:
    """The district's accounts whose name or e-mail contains `needle`, by sourcedId."""
    found = ok(await api.request("GET", f"/admin/users?q={needle}", admin.token))
    return {account["sourcedId"]: account for account in found}


async def sign_in(api: Api, admin: Account, account: dict[str, Any]) -> Account:
    """An imported account set up with its one-time code, and logged in."""
    path = f"/admin/users/{account['id']}/setup-code"
    code = ok(await api.request("POST", path, admin.token))["code"]
    body = {"email": account["email"], "code": code, "password": "imported-pass-1"}
    token = ok(await api.request("POST", "/auth/setup", json=body))["token"]
    return Account(
        account["id"], account["name"], account["email"], account["role"], "imported-pass-1", token
    )


@dataclass(frozen=True)
class LiveRoster:
    """An imported class with its teacher and `enrolled` student set up, and `waiting`, a
    student of the school in no class yet; and the delta that swaps the two students."""

    teacher: Account
    enrolled: Account
    waiting: Account
    class_id: str
    swap: bytes


async def live_roster(api: Api, admin: Account, district_sid: str) -> LiveRoster:
    from tests.support.oneroster import small_school

    marker = tag()
    school = f"{marker}-school"
    roster = small_school(marker, 1, district_sid)
    roster.user(f"{marker}-w", "student", school, f"{marker}-w@example.org", name="Wai Ting")
    ok(await api.request("POST", "/admin/rosters", admin.token, content=roster.zip()))
    found = await accounts(api, admin, marker)
    teacher = await sign_in(api, admin, found[f"{marker}-t1"])
    enrolled = await sign_in(api, admin, found[f"{marker}-s0"])
    waiting = await sign_in(api, admin, found[f"{marker}-w"])
    (klass,) = ok(await api.request("GET", "/classes", teacher.token))
    swap = OneRoster(mode="delta")
    stamp = {"dateLastModified": "2026-11-30T10:00:00.000Z"}
    swap.enrol(
        f"{marker}-e-s0",
        f"{marker}-c1",
        f"{marker}-s0",
        "student",
        school,
        status="tobedeleted",
        **stamp,
    )
    swap.enrol(
        f"{marker}-e-w", f"{marker}-c1", f"{marker}-w", "student", school, status="active", **stamp
    )
    return LiveRoster(teacher, enrolled, waiting, klass["id"], swap.zip())
