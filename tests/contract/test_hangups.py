"""A log-in whose client hangs up while it waits for a bcrypt slot is never hashed: it is
answered 499 for the access log and metrics, and the log-ins that still have a client go on
(http/hangups.py)."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from urllib.parse import urlencode

from tests.contract.test_metrics import sample, scrape
from tests.support.backends import Backend
from tests.support.client import Api
from tests.support.raw_http import connect
from tests.support.server import start_server

# A hash long enough (about a second here) that the log-ins queued behind those holding every
# slot are still waiting when their clients hang up.
ROUNDS = "14"
QUITTERS = 2  # per route
SETTLE_SECONDS = 0.4


def post(path: str, content_type: str, body: str) -> bytes:
    lines = [
        f"POST {path} HTTP/1.1",
        "Host: 127.0.0.1",
        f"Content-Type: {content_type}",
        f"Content-Length: {len(body)}",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


def answered(text: str, route: str, status: str) -> float:
    return sample(text, "headcount_http_requests_total", route=route, status=status)


async def test_a_login_whose_client_hangs_up_while_queued_is_never_hashed(
    backend: Backend, tmp_path: Path
) -> None:
    slots = os.cpu_count() or 1  # Passwords hashes one log-in per core at a time
    with start_server(backend, tmp_path, env={"BCRYPT_ROUNDS": ROUNDS}) as server:
        async with Api(server) as api:
            teacher = await api.teacher()
            credentials = {"email": teacher.email, "password": teacher.password}
            form = urlencode({"username": teacher.email, "password": teacher.password})
            before = await scrape(api)
            holding = [
                asyncio.create_task(api.http.post("/auth/login", json=credentials))
                for _ in range(slots)
            ]
            await asyncio.sleep(SETTLE_SECONDS)
            requests = [post("/auth/login", "application/json", json.dumps(credentials))] * QUITTERS
            requests += [post("/auth/token", "application/x-www-form-urlencoded", form)] * QUITTERS
            quitters = [await connect(server) for _ in requests]
            for (_, writer), request in zip(quitters, requests, strict=True):
                writer.write(request)
                await writer.drain()
            await asyncio.sleep(SETTLE_SECONDS)
            for _, writer in quitters:
                writer.close()
            held = await asyncio.gather(*holding)
            after = await scrape(api)
    assert [response.status_code for response in held] == [200] * slots
    assert all(response.json()["data"]["token"] for response in held)
    moved = {
        (route, status): answered(after, route, status) - answered(before, route, status)
        for route in ("/auth/login", "/auth/token")
        for status in ("200", "499")
    }
    assert moved == {
        ("/auth/login", "200"): slots,
        ("/auth/login", "499"): QUITTERS,
        ("/auth/token", "200"): 0,
        ("/auth/token", "499"): QUITTERS,
    }
