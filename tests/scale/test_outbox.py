"""The outbox across processes: two deliverers on one database share the work without both
sending a message, and a process killed mid-delivery has its message resent."""

from __future__ import annotations

import asyncio
import collections
import signal
from pathlib import Path
from typing import Any

from tests.contract.helpers import ok, run_session
from tests.notify.receiver import receiver
from tests.support.backends import Backend
from tests.support.client import Account, Api
from tests.support.redis_server import PrivateRedis
from tests.support.server import start_server

HOOKED = {"WEBHOOKS_ALLOW_PRIVATE": "true", "WEBHOOK_LEASE_SECONDS": "5"}


async def _register(api: Api, admin: Account, url: str) -> dict[str, Any]:
    body = {"url": url, "events": ["session.started", "attendance.marked", "session.finished"]}
    created = await api.request("POST", "/admin/webhooks", f"Bearer {admin.token}", json=body)
    return dict(ok(created, 201))


async def test_two_processes_deliver_each_message_once(
    fresh_backend: Backend, tmp_path: Path
) -> None:
    with (
        receiver() as local,
        start_server(fresh_backend, tmp_path, env=HOOKED) as first,
        start_server(fresh_backend, tmp_path, env=HOOKED) as second,
    ):
        async with Api(first) as a, Api(second) as b:
            admin = await a.admin()
            endpoint = await _register(a, admin, local.url)
            local.secret = endpoint["secret"]
            sent = 0
            for api in (a, b, a, b):
                teacher, class_id, students = await api.classroom(5)
                marks = {student.id: "present" for student in students}
                await run_session(api, teacher, class_id, marks)
                sent += 2 + len(marks)
            await local.wait_for(sent)
            # Once every delivery's outcome is written, no deliverer sends any of them again.
            path = f"/admin/webhooks/{endpoint['id']}/deliveries"
            for _ in range(300):
                deliveries = ok(await b.request("GET", path, f"Bearer {admin.token}"))
                if {d["state"] for d in deliveries} == {"delivered"}:
                    break
                await asyncio.sleep(0.1)
            assert len(deliveries) == sent
    ids = collections.Counter(message["id"] for message in local.received)
    assert len(ids) == sent and set(ids.values()) == {1}, ids.most_common(3)


async def test_a_process_killed_mid_delivery_has_its_message_resent(
    fresh_backend: Backend, tmp_path: Path
) -> None:
    with receiver() as local, start_server(fresh_backend, tmp_path, env=HOOKED) as server:
        local.holding = True
        async with Api(server) as api:
            admin = await api.admin()
            local.secret = (await _register(api, admin, local.url))["secret"]
            teacher = await api.teacher()
            class_id = await api.create_class(teacher)
            started = await api.start(teacher, class_id)
            assert await asyncio.to_thread(local.arrived.wait, 30)
            server.stop(signal.SIGKILL)
            local.release.set()
            server.start()
            (message,) = await local.wait_for(1)
    assert message["type"] == "session.started"
    assert message["data"]["sessionId"] == started["sessionId"]


async def test_delivery_needs_no_redis(
    fresh_backend: Backend, tmp_path: Path, private_redis: PrivateRedis
) -> None:
    env = {**HOOKED, "REDIS_URL": private_redis.url}
    with receiver() as local, start_server(fresh_backend, tmp_path, env=env) as server:
        async with Api(server) as api:
            admin = await api.admin()
            local.secret = (await _register(api, admin, local.url))["secret"]
            teacher, class_id, (student,) = await api.classroom(1)
            private_redis.stop()
            # The outbox lives in the database: with the bus and cache away, nothing is lost.
            await run_session(api, teacher, class_id, {student.id: "late"})
            received = await local.wait_for(3)
    assert sorted(m["type"] for m in received) == [
        "attendance.marked",
        "session.finished",
        "session.started",
    ]
