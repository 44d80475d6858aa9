"""docs/roster.md §4: an administrator's routes, setup codes and `POST /auth/setup`."""

from __future__ import annotations

import asyncio

import httpx

from tests.contract.helpers import (
    BAD_LOGIN,
    NOT_A_UUID,
    SCHEMA,
    UNAUTHORIZED,
    fails,
    ok,
    random_id,
    tag,
)
from tests.support.client import Api
from tests.support.schools import member, school_with_admin

ADMIN_ONLY = "Forbidden, admin access required"
BAD_CODE = "Invalid or expired setup code"


async def test_admin_routes_refuse_everyone_else(api: Api) -> None:
    teacher = await api.teacher()
    fails(await api.request("GET", "/admin/users"), 401, UNAUTHORIZED)
    fails(await api.request("GET", "/admin/users", teacher.token), 403, ADMIN_ONLY)
    fails(await api.request("GET", "/admin/schools", teacher.token), 403, ADMIN_ONLY)


async def test_create_search_and_deactivate(api: Api) -> None:
    school = await school_with_admin(api)
    marker = tag()
    body = {"name": f"Ada {marker}", "email": f"ada-{marker}@x.example.org", "role": "teacher"}
    created = ok(await api.request("POST", "/admin/users", school.admin.token, json=body), 201)
    assert (created["schoolId"], created["hasPassword"], created["active"]) == (
        school.id,
        False,
        True,
    )
    found = ok(await api.request("GET", f"/admin/users?q={marker.upper()}", school.admin.token))
    assert [u["id"] for u in found] == [created["id"]]
    bare = await api.request(
        "GET", f"/admin/users?schoolId={school.id}&role=admin", school.admin.token
    )
    assert [u["id"] for u in ok(bare)] == [school.admin.id]
    again = await api.request("POST", "/admin/users", school.admin.token, json=body)
    fails(again, 400, "Email already exists")
    named = body | {"email": f"a-{marker}@x.example.org", "schoolId": school.id}
    placed = ok(await api.request("POST", "/admin/users", school.admin.token, json=named), 201)
    assert placed["schoolId"] == school.id
    elsewhere = body | {"email": f"b-{marker}@x.example.org", "schoolId": random_id()}
    missing = await api.request("POST", "/admin/users", school.admin.token, json=elsewhere)
    fails(missing, 404, "School not found")
    bad = body | {"email": f"c-{marker}@x.example.org", "schoolId": NOT_A_UUID}
    fails(await api.request("POST", "/admin/users", school.admin.token, json=bad), 400, SCHEMA)
    query = await api.request("GET", f"/admin/users?schoolId={NOT_A_UUID}", school.admin.token)
    fails(query, 400, SCHEMA)


async def redeem(api: Api, email: str, code: str, password: str) -> httpx.Response:
    body = {"email": email, "code": code, "password": password}
    return await api.request("POST", "/auth/setup", json=body)


async def test_setup_code_logs_in_once(api: Api) -> None:
    school = await school_with_admin(api)
    marker = tag()
    body = {"name": "Bo", "email": f"bo-{marker}@x.example.org", "role": "student"}
    user = ok(await api.request("POST", "/admin/users", school.admin.token, json=body), 201)
    login = {"email": body["email"], "password": "chosen-password"}
    fails(await api.request("POST", "/auth/login", json=login), 400, BAD_LOGIN)
    path = f"/admin/users/{user['id']}/setup-code"
    issued = ok(await api.request("POST", path, school.admin.token))
    code = issued["code"].lower().replace("-", " ")
    token = ok(await redeem(api, body["email"], code, "chosen-password"))["token"]
    assert ok(await api.request("GET", "/auth/me", token))["id"] == user["id"]
    fails(await redeem(api, body["email"], code, "chosen-password"), 400, BAD_CODE)
    ok(await api.request("POST", "/auth/login", json=login))


async def test_a_setup_code_is_spent_once_under_concurrency(api: Api) -> None:
    school = await school_with_admin(api)
    body = {"name": "Cy", "email": f"cy-{tag()}@x.example.org", "role": "student"}
    user = ok(await api.request("POST", "/admin/users", school.admin.token, json=body), 201)
    path = f"/admin/users/{user['id']}/setup-code"
    code = ok(await api.request("POST", path, school.admin.token))["code"]
    answers = await asyncio.gather(
        *(redeem(api, body["email"], code, f"password-number-{n}") for n in range(4))
    )
    assert sorted(r.status_code for r in answers) == [200, 400, 400, 400], [r.text for r in answers]
    for answer in answers:
        if answer.status_code == 400:
            fails(answer, 400, BAD_CODE)


async def test_deactivated_account_is_locked_out(api: Api) -> None:
    school = await school_with_admin(api)
    teacher = await member(api, school, "teacher")
    path = f"/admin/users/{teacher.id}"
    changed = ok(await api.request("PATCH", path, school.admin.token, json={"active": False}))
    assert changed["active"] is False
    fails(await api.request("GET", "/auth/me", teacher.token), 401, UNAUTHORIZED)
    login = {"email": teacher.email, "password": teacher.password}
    fails(await api.request("POST", "/auth/login", json=login), 400, BAD_LOGIN)
    ok(await api.request("PATCH", path, school.admin.token, json={"active": True}))
    fails(await api.request("GET", "/auth/me", teacher.token), 401, UNAUTHORIZED)
    ok(await api.request("POST", "/auth/login", json=login))
