"""Webhooks (docs/notify.md §2): endpoints, the outbox written with each change, signed
deliveries to a real local receiver, retries. Black box, on every backend."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from tests.contract.helpers import SCHEMA, UNAUTHORIZED, fails, ok, random_id, run_session
from tests.notify.receiver import Receiver, receiver
from tests.support.backends import Backend
from tests.support.client import Account, Api
from tests.support.server import ServerProcess, start_server

ADMIN_ONLY = "Forbidden, admin access required"
NOT_ALLOWED = "Webhook URL not allowed"
NOT_FOUND = "Webhook not found"
EVERY_EVENT = [
    "attendance.marked",
    "attendance.amended",
    "session.started",
    "session.finished",
    "student.absent",
]


@pytest.fixture(scope="module")
def hooked_server(
    backend: Backend, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """A server that may deliver to this machine's receivers, with a short lease, on a
    database of its own (the shared server's deliverer would refuse local receivers)."""
    env = {"WEBHOOKS_ALLOW_PRIVATE": "true", "WEBHOOK_LEASE_SECONDS": "2"}
    workdir = tmp_path_factory.mktemp("hooked")
    with (
        Backend.create(backend.kind, workdir) as own,
        start_server(own, workdir, env=env) as process,
    ):
        yield process


@pytest.fixture
async def hooked(hooked_server: ServerProcess) -> AsyncIterator[Api]:
    async with Api(hooked_server) as client:
        yield client


@pytest.fixture
def local() -> Iterator[Receiver]:
    with receiver() as found:
        yield found


def bearer(account: Account) -> str:
    return f"Bearer {account.token}"


async def register(api: Api, admin: Account, url: str, events: list[str]) -> dict[str, Any]:
    body = {"url": url, "events": events}
    return dict(ok(await api.request("POST", "/admin/webhooks", bearer(admin), json=body), 201))


async def test_an_administrator_registers_changes_and_removes_endpoints(hooked: Api) -> None:
    admin = await hooked.admin()
    created = await register(hooked, admin, "https://example.org/hook", ["session.started"])
    assert created["secret"].startswith("whsec_")
    assert created["url"] == "https://example.org/hook" and created["active"] is True
    assert created["events"] == ["session.started"]
    listed = ok(await hooked.request("GET", "/admin/webhooks", bearer(admin)))
    assert {k: v for k, v in created.items() if k != "secret"} in listed
    assert all("secret" not in entry for entry in listed)
    path = f"/admin/webhooks/{created['id']}"
    changes = {"events": ["student.absent", "session.finished"], "active": False}
    changed = ok(await hooked.request("PATCH", path, bearer(admin), json=changes))
    assert changed["events"] == ["student.absent", "session.finished"]
    assert changed["active"] is False
    assert ok(await hooked.request("DELETE", path, bearer(admin)))["id"] == created["id"]
    fails(await hooked.request("DELETE", path, bearer(admin)), 404, NOT_FOUND)
    fails(await hooked.request("GET", f"{path}/deliveries", bearer(admin)), 404, NOT_FOUND)
    own = {
        "url": "https://example.org/h",
        "events": ["session.started"],
        "secret": "whsec_" + "A" * 32,
    }
    mine = ok(await hooked.request("POST", "/admin/webhooks", bearer(admin), json=own), 201)
    assert mine["secret"] == own["secret"]


async def test_endpoint_input_is_checked(hooked: Api, api: Api) -> None:
    admin = await hooked.admin()
    bad_bodies: list[Any] = [
        {"url": "https://example.org", "events": ["nope"]},
        {"url": "https://example.org", "events": []},
        {"url": "https://example.org"},
        {"url": "https://example.org", "events": ["session.started"], "secret": "short"},
        [],
    ]
    for body in bad_bodies:
        fails(
            await hooked.request("POST", "/admin/webhooks", bearer(admin), json=body), 400, SCHEMA
        )
    for url in ("ftp://example.org/x", "example.org", "http://", "javascript:alert(1)"):
        body = {"url": url, "events": ["session.started"]}
        fails(
            await hooked.request("POST", "/admin/webhooks", bearer(admin), json=body),
            400,
            NOT_ALLOWED,
        )
    # Without WEBHOOKS_ALLOW_PRIVATE, the server's own network is out of reach.
    strict = await api.admin()
    for url in (
        "http://127.0.0.1:9/x",
        "http://localhost/x",
        "http://10.1.2.3/",
        "http://169.254.169.254/",
        "http://[::1]/",
    ):
        body = {"url": url, "events": ["session.started"]}
        fails(
            await api.request("POST", "/admin/webhooks", bearer(strict), json=body),
            400,
            NOT_ALLOWED,
        )
    for path in (f"/admin/webhooks/{random_id()}", "/admin/webhooks/not-a-uuid"):
        fails(
            await hooked.request("PATCH", path, bearer(admin), json={"active": True}),
            404,
            NOT_FOUND,
        )
        fails(await hooked.request("DELETE", path, bearer(admin)), 404, NOT_FOUND)
    fails(await hooked.request("GET", "/admin/webhooks"), 401, UNAUTHORIZED)
    teacher = await hooked.teacher()
    fails(await hooked.request("GET", "/admin/webhooks", bearer(teacher)), 403, ADMIN_ONLY)
    body = {"url": "https://example.org", "events": ["session.started"]}
    fails(
        await hooked.request("POST", "/admin/webhooks", bearer(teacher), json=body), 403, ADMIN_ONLY
    )


async def test_a_roll_call_reaches_the_receiver_signed(hooked: Api, local: Receiver) -> None:
    admin = await hooked.admin()
    created = await register(hooked, admin, local.url, EVERY_EVENT)
    local.secret = created["secret"]
    teacher, class_id, (present, absent) = await hooked.classroom(2)
    finished = await run_session(hooked, teacher, class_id, {present.id: "present"})
    received = await local.wait_for(4)
    by_type = {message["type"]: message for message in received}
    assert sorted(by_type) == [
        "attendance.marked",
        "session.finished",
        "session.started",
        "student.absent",
    ]
    assert len(received) == 4 and len({m["id"] for m in received}) == 4
    assert by_type["session.started"]["data"]["sessionId"] == finished.session_id
    marked = by_type["attendance.marked"]["data"]
    assert (marked["classId"], marked["studentId"], marked["status"]) == (
        class_id,
        present.id,
        "present",
    )
    summary = by_type["session.finished"]["data"]["summary"]
    assert summary == {"present": 1, "absent": 1, "late": 0, "excused": 0, "total": 2}
    assert by_type["student.absent"]["data"]["studentId"] == absent.id
    path = f"/admin/webhooks/{created['id']}/deliveries"
    deliveries = await _settled(hooked, admin, path, 4)
    assert {d["state"] for d in deliveries} == {"delivered"}
    assert {d["eventType"] for d in deliveries} == set(by_type)


async def test_a_correction_reaches_the_receiver(hooked: Api, local: Receiver) -> None:
    admin = await hooked.admin()
    created = await register(hooked, admin, local.url, ["attendance.amended"])
    local.secret = created["secret"]
    teacher, class_id, (student,) = await hooked.classroom(1)
    finished = await run_session(hooked, teacher, class_id)
    at = f"/class/{class_id}/sessions/{finished.session_id}/attendance/{student.id}"
    body = {"status": "excused", "reason": "Doctor's note"}
    assert (await hooked.request("PATCH", at, teacher.token, json=body)).status_code == 200
    (message,) = await local.wait_for(1)
    assert message["type"] == "attendance.amended"
    assert message["data"] == {
        "classId": class_id,
        "sessionId": finished.session_id,
        "studentId": student.id,
        "status": "excused",
        "previousStatus": "absent",
        "reason": "Doctor's note",
        "amendedBy": teacher.id,
    }


async def _settled(api: Api, admin: Account, path: str, count: int) -> list[dict[str, Any]]:
    """The deliveries once `count` of them have an outcome written."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        deliveries = ok(await api.request("GET", path, bearer(admin)))
        if len([d for d in deliveries if d["state"] != "pending"]) >= count:
            return list(deliveries)
        await asyncio.sleep(0.1)
    raise AssertionError(f"deliveries did not settle: {deliveries}")


async def test_a_refused_delivery_is_retried_and_can_be_resent(
    hooked: Api, local: Receiver
) -> None:
    admin = await hooked.admin()
    created = await register(hooked, admin, local.url, ["session.started"])
    local.secret, local.answer = created["secret"], 500
    teacher = await hooked.teacher()
    class_id = await hooked.create_class(teacher)
    await hooked.start(teacher, class_id)
    path = f"/admin/webhooks/{created['id']}/deliveries"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        (delivery,) = ok(await hooked.request("GET", path, bearer(admin)))
        if delivery["lastStatus"] == 500:
            break
        await asyncio.sleep(0.1)
    assert delivery["state"] == "pending" and delivery["lastError"] == "HTTP 500"
    assert local.refused >= 1
    assert delivery["attempts"] >= 1 and delivery["nextAttemptAt"] is not None
    local.answer = 204
    resent = await hooked.request("POST", f"{path}/{delivery['id']}/resend", bearer(admin))
    assert ok(resent)["state"] == "pending"
    (message,) = await local.wait_for(1)
    assert message["type"] == "session.started" and message["id"] == f"msg_{delivery['id']}"
    fails(
        await hooked.request("POST", f"{path}/999999999/resend", bearer(admin)),
        404,
        "Delivery not found",
    )
    fails(
        await hooked.request("POST", f"{path}/x/resend", bearer(admin)), 404, "Delivery not found"
    )


async def test_a_receiver_that_is_down_gets_the_event_once_it_is_up(hooked: Api) -> None:
    admin = await hooked.admin()
    with receiver() as first:
        port = int(first.url.rsplit(":", 1)[1].split("/", 1)[0])
    # Nothing listens on that port now: the delivery fails and waits for its retry.
    created = await register(hooked, admin, first.url, ["session.started"])
    teacher = await hooked.teacher()
    class_id = await hooked.create_class(teacher)
    started = await hooked.start(teacher, class_id)
    path = f"/admin/webhooks/{created['id']}/deliveries"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        (delivery,) = ok(await hooked.request("GET", path, bearer(admin)))
        if delivery["lastError"]:
            break
        await asyncio.sleep(0.1)
    assert delivery["state"] == "pending" and delivery["lastError"].startswith("ConnectError")
    with receiver(port) as back:
        back.secret = created["secret"]
        (message,) = await back.wait_for(1)
    assert message["data"]["sessionId"] == started["sessionId"]


@pytest.fixture(scope="module")
def impatient_server(
    backend: Backend, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """As `hooked_server`, giving a receiver one second to answer."""
    env = {"WEBHOOKS_ALLOW_PRIVATE": "true", "WEBHOOK_TIMEOUT": "1"}
    workdir = tmp_path_factory.mktemp("impatient")
    with (
        Backend.create(backend.kind, workdir) as own,
        start_server(own, workdir, env=env) as process,
    ):
        yield process


async def _first_error(api: Api, admin: Account, path: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        (delivery,) = ok(await api.request("GET", path, bearer(admin)))
        if delivery["lastError"]:
            return dict(delivery)
        await asyncio.sleep(0.1)
    raise AssertionError("no delivery failed")


async def test_a_receiver_that_hangs_is_given_up_on_and_tried_again(
    impatient_server: ServerProcess,
) -> None:
    async with Api(impatient_server) as api:
        admin = await api.admin()
        with receiver() as slow:
            slow.holding = True
            created = await register(api, admin, slow.url, ["session.started"])
            slow.secret = created["secret"]
            teacher = await api.teacher()
            started = await api.start(teacher, await api.create_class(teacher))
            path = f"/admin/webhooks/{created['id']}/deliveries"
            failed = await _first_error(api, admin, path)
            assert failed["state"] == "pending" and failed["lastError"].startswith("ReadTimeout")
            slow.release.set()
            (message,) = await slow.wait_for(1)
        assert message["data"]["sessionId"] == started["sessionId"]


async def test_a_receiver_that_hangs_up_gets_the_event_later(
    impatient_server: ServerProcess,
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        hang_up = threading.Thread(target=_hang_up_once, args=(listener,), daemon=True)
        hang_up.start()
        async with Api(impatient_server) as api:
            admin = await api.admin()
            url = f"http://127.0.0.1:{port}/hook"
            created = await register(api, admin, url, ["session.started"])
            teacher = await api.teacher()
            started = await api.start(teacher, await api.create_class(teacher))
            path = f"/admin/webhooks/{created['id']}/deliveries"
            failed = await _first_error(api, admin, path)
            assert failed["state"] == "pending" and failed["attempts"] >= 1
            hang_up.join(5)
            listener.close()
            with receiver(port) as back:
                back.secret = created["secret"]
                (message,) = await back.wait_for(1)
    assert message["data"]["sessionId"] == started["sessionId"]


def _hang_up_once(listener: socket.socket) -> None:
    """Take one connection, read a little of the request, and close without a word."""
    connection, _ = listener.accept()
    with connection:
        connection.recv(64)
