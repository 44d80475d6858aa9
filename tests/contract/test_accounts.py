"""docs/roster.md §3: log-out and password changes revoke tokens one by one."""

from __future__ import annotations

import asyncio

from tests.contract.helpers import UNAUTHORIZED, fails, ok
from tests.support.client import Account, Api


async def login(api: Api, account: Account) -> str:
    body = {"email": account.email, "password": account.password}
    return str(ok(await api.request("POST", "/auth/login", json=body))["token"])


async def test_logins_in_the_same_second_get_their_own_tokens(api: Api) -> None:
    account = await api.student()
    first, second = await asyncio.gather(login(api, account), login(api, account))
    assert first != second
    assert ok(await api.request("POST", "/auth/logout", first)) is None
    fails(await api.request("GET", "/auth/me", first), 401, UNAUTHORIZED)
    assert ok(await api.request("GET", "/auth/me", second))["id"] == account.id


async def test_password_change_keeps_only_the_token_used(api: Api) -> None:
    account = await api.teacher()
    other = await login(api, account)
    body = {"currentPassword": account.password, "newPassword": "another-password-1"}
    assert ok(await api.request("POST", "/auth/password", account.token, json=body)) is None
    fails(await api.request("GET", "/auth/me", other), 401, UNAUTHORIZED)
    assert ok(await api.request("GET", "/auth/me", account.token))["id"] == account.id
    fails(
        await api.request("POST", "/auth/password", account.token, json=body),
        400,
        "Current password is incorrect",
    )
