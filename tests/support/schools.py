"""Schools other than the default one, and their administrators, as an install gets them:
the org row (what a roster import writes) and `headcount admin create`."""

from __future__ import annotations

import subprocess
import sys
import uuid
from dataclasses import dataclass

from sqlalchemy import insert

from headcount import clock
from headcount.store.database import Database
from headcount.store.tables import Org
from tests.support.client import PASSWORD, Account, Api
from tests.support.server import server_env


async def add_school(database_url: str, name: str = "Other School") -> str:
    """A new top-level school; its id."""
    school_id = uuid.uuid4()
    db = Database(database_url)
    try:
        async with db.write() as conn:
            row = {"id": school_id, "name": name, "type": "school", "created_at": clock.now()}
            await conn.execute(insert(Org).values(**row))
    finally:
        await db.close()
    return str(school_id)


def create_admin(database_url: str, email: str, school: str | None) -> None:
    args = ["admin", "create", "--email", email, "--name", "Admin"]
    result = subprocess.run(
        [sys.executable, "-m", "headcount", *args, *(["--school", school] if school else [])],
        env=server_env(database_url),
        input=f"{PASSWORD}\n{PASSWORD}\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


@dataclass
class School:
    id: str
    admin: Account


async def school_with_admin(api: Api, school_id: str | None = None) -> School:
    """An administrator of `school_id` (a new school when None), logged in."""
    url = api.server.backend.database_url
    school_id = school_id or await add_school(url)
    email = f"admin-{uuid.uuid4().hex[:10]}@school.example.com"
    create_admin(url, email, school_id)
    login = await api.http.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    token = login.json()["data"]["token"]
    me = await api.request("GET", "/auth/me", token)
    assert me.status_code == 200, me.text
    return School(
        school_id, Account(me.json()["data"]["id"], "Admin", email, "admin", PASSWORD, token)
    )


async def member(api: Api, school: School, role: str) -> Account:
    """A teacher or student of `school`, made by its administrator, logged in."""
    email = f"{role}-{uuid.uuid4().hex[:10]}@school.example.com"
    body = {"name": f"{role.title()} of {school.id[:8]}", "email": email, "role": role}
    created = await api.request(
        "POST", "/admin/users", school.admin.token, json=body | {"password": PASSWORD}
    )
    assert created.status_code == 201, created.text
    login = await api.http.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    user = created.json()["data"]
    return Account(user["id"], body["name"], email, role, PASSWORD, login.json()["data"]["token"])
