"""docs/roster.md §2: SIGNUP, SIGNUP_DOMAINS and MAX_CLASSES_PER_TEACHER, each on a server of
its own."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.contract.helpers import fails, ok
from tests.support.backends import Backend
from tests.support.client import PASSWORD, Api
from tests.support.server import start_server


def signup_body(role: str, email: str) -> dict[str, str]:
    return {"name": "Someone", "email": email, "password": PASSWORD, "role": role}


async def test_signup_students_only_and_domains(fresh_backend: Backend, tmp_path: Path) -> None:
    env = {"SIGNUP": "students", "SIGNUP_DOMAINS": "school.example.org, other.example.org"}
    with start_server(fresh_backend, workdir=tmp_path, env=env) as server:
        async with Api(server) as api:
            teacher = signup_body("teacher", "t@school.example.org")
            fails(await api.request("POST", "/auth/signup", json=teacher), 403, "Sign-up is closed")
            outsider = signup_body("student", "s@elsewhere.example.org")
            refused = await api.request("POST", "/auth/signup", json=outsider)
            fails(refused, 403, "Email domain not allowed")
            student = signup_body("student", "s@OTHER.example.org")
            ok(await api.request("POST", "/auth/signup", json=student), 201)


async def test_signup_closed(fresh_backend: Backend, tmp_path: Path) -> None:
    with start_server(fresh_backend, workdir=tmp_path, env={"SIGNUP": "closed"}) as server:
        async with Api(server) as api:
            student = signup_body("student", "s@school.example.org")
            fails(await api.request("POST", "/auth/signup", json=student), 403, "Sign-up is closed")


async def test_class_limit_holds_under_concurrency(fresh_backend: Backend, tmp_path: Path) -> None:
    env = {"MAX_CLASSES_PER_TEACHER": "3"}
    with start_server(fresh_backend, workdir=tmp_path, env=env) as server:
        async with Api(server) as api:
            teacher = await api.teacher()
            answers = await asyncio.gather(
                *(
                    api.request("POST", "/class", teacher.token, json={"className": f"C{n}"})
                    for n in range(12)
                )
            )
            assert sorted(a.status_code for a in answers) == [201] * 3 + [409] * 9
            refused = next(a for a in answers if a.status_code == 409)
            fails(refused, 409, "Too many classes")
            assert len(ok(await api.request("GET", "/classes", teacher.token))) == 3
            first = next(a for a in answers if a.status_code == 201).json()["data"]["id"]
            ok(await api.request("DELETE", f"/class/{first}", teacher.token))
            await api.create_class(teacher)  # archived classes do not count
