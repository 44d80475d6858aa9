"""Rate limits stop a guesser without stopping a school (SPEC §1's 429 row)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.support.backends import Backend
from tests.support.client import PASSWORD, Api
from tests.support.server import RATE_LIMIT_VARIABLES, free_port, start_server

LOW_LIMITS = {
    "RATE_LIMIT_LOGIN_EMAIL": "3/minute",
    "RATE_LIMIT_LOGIN_ADDRESS": "6/minute",
    "RATE_LIMIT_SIGNUP": "4/minute",
}


def too_many(response: httpx.Response) -> None:
    assert response.status_code == 429
    assert response.json() == {"success": False, "error": "Too many requests"}
    assert int(response.headers["retry-after"]) >= 1


@pytest.fixture
async def strict(backend: Backend, tmp_path: Path) -> AsyncIterator[Api]:
    with start_server(backend, tmp_path, env=LOW_LIMITS) as server:
        async with Api(server) as api:
            yield api


async def test_guessing_one_password_is_stopped(strict: Api) -> None:
    victim = await strict.teacher()
    wrong = {"email": victim.email, "password": "not-the-password"}
    for _ in range(3):
        response = await strict.http.post("/auth/login", json=wrong)
        assert response.json()["error"] == "Invalid email or password"
    too_many(await strict.http.post("/auth/login", json=wrong))
    # Even the right password waits until the window has passed.
    too_many(
        await strict.http.post(
            "/auth/login", json={"email": victim.email.upper(), "password": PASSWORD}
        )
    )
    form = {"username": victim.email, "password": PASSWORD}
    too_many(await strict.http.post("/auth/token", data=form))


async def test_spraying_many_emails_from_one_address_is_stopped(strict: Api) -> None:
    def guess(n: int) -> dict[str, str]:
        return {"email": f"nobody{n}@spray.example.com", "password": "guess-123"}

    for n in range(6):
        assert (await strict.http.post("/auth/login", json=guess(n))).status_code == 400
    too_many(await strict.http.post("/auth/login", json=guess(6)))


async def test_signups_per_address(strict: Api) -> None:
    body = {"name": "n", "password": "secret-1", "role": "student"}
    for n in range(4):
        response = await strict.http.post(
            "/auth/signup", json={**body, "email": f"s{n}@x.example.com"}
        )
        assert response.status_code == 201
    too_many(await strict.http.post("/auth/signup", json={**body, "email": "s5@x.example.com"}))


async def test_a_whole_school_behind_one_address_gets_in(backend: Backend, tmp_path: Path) -> None:
    """With the default limits, 200 sign-ups and log-ins from one address pass at once."""
    with start_server(backend, tmp_path, unset=RATE_LIMIT_VARIABLES) as server:
        async with Api(server) as api:
            accounts = await asyncio.gather(*(api.student() for _ in range(200)))
            wrong = {"email": accounts[0].email, "password": "typo-typo"}
            assert (await api.http.post("/auth/login", json=wrong)).status_code == 400
    assert len({account.id for account in accounts}) == 200


async def test_concurrent_guesses_cannot_pass_the_limit(strict: Api) -> None:
    """Each attempt is counted before its password is checked: 200 at once, among them the
    right one, get at most 3 checks, and the right one only if it was among those 3."""
    victim = await strict.teacher()
    attempts = [{"email": victim.email, "password": f"wrong-{n}"} for n in range(199)]
    attempts.insert(100, {"email": victim.email, "password": PASSWORD})
    responses = await asyncio.gather(
        *(strict.http.post("/auth/login", json=body) for body in attempts)
    )
    checked = [r for r in responses if r.status_code != 429]
    assert len(checked) <= 3, [r.json() for r in checked]
    for response in responses:
        if response.status_code == 429:
            too_many(response)


async def test_failures_from_other_addresses_cannot_lock_an_account_out(strict: Api) -> None:
    """Failing someone's log-in from many addresses (here forwarded by a trusted local proxy)
    stops those addresses, not the owner's own."""
    victim = await strict.teacher()
    wrong = {"email": victim.email, "password": "not-the-password"}
    for n in range(5):
        forwarded = {"X-Forwarded-For": f"203.0.113.{n}"}
        for _ in range(3):
            response = await strict.http.post("/auth/login", json=wrong, headers=forwarded)
            assert response.status_code == 400
        too_many(await strict.http.post("/auth/login", json=wrong, headers=forwarded))
    right = {"email": victim.email, "password": PASSWORD}
    response = await strict.http.post("/auth/login", json=right)
    assert response.status_code == 200, response.text


async def test_a_right_password_gives_back_its_attempt(strict: Api) -> None:
    """Only failures count: logging in again and again with the right password never hits
    the per-email limit."""
    owner = await strict.teacher()
    right = {"email": owner.email, "password": PASSWORD}
    for _ in range(8):
        assert (await strict.http.post("/auth/login", json=right)).status_code == 200


async def test_limits_hold_with_their_redis_away(backend: Backend, tmp_path: Path) -> None:
    """With Redis unreachable, each limit is kept by the process itself, never dropped."""
    nowhere = f"redis://127.0.0.1:{free_port()}/0"
    env = {**LOW_LIMITS, "REDIS_URL": nowhere, "RATE_LIMIT_CHECKIN_CODE": "2/minute"}
    with start_server(backend, tmp_path, env=env) as server:
        async with Api(server) as api:
            body = {"name": "n", "password": "secret-1", "role": "student"}
            signups = await asyncio.gather(
                *(
                    api.http.post("/auth/signup", json={**body, "email": f"r{n}@x.example.com"})
                    for n in range(10)
                )
            )
            assert sorted(r.status_code for r in signups) == [201] * 4 + [429] * 6
            victim = signups[[r.status_code for r in signups].index(201)].json()["data"]
            wrong = {"email": victim["email"], "password": "not-the-password"}
            guesses = await asyncio.gather(
                *(api.http.post("/auth/login", json=wrong) for _ in range(10))
            )
            assert sorted(r.status_code for r in guesses) == [400] * 3 + [429] * 7
