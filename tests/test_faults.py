"""PostgreSQL going away, hanging, and coming back: 503s in time, and recovery by itself."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import websockets

from tests.conftest import require
from tests.support.backends import Backend
from tests.support.client import Api
from tests.support.proxy import TcpProxy
from tests.support.server import ServerProcess, start_server

UNAVAILABLE = {"success": False, "error": "Service unavailable"}
DB_TIMEOUT = 2


@dataclass
class Fragile:
    server: ServerProcess
    proxy: TcpProxy


@pytest.fixture
def fragile(tmp_path: Path) -> Iterator[Fragile]:
    """A server whose PostgreSQL sits behind a proxy the test controls."""
    require("postgres")
    with Backend.create("postgres", tmp_path) as backend:
        parts = urlsplit(backend.database_url)
        proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
        url = urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}"))
        env = {"DB_TIMEOUT": str(DB_TIMEOUT)}
        try:
            with start_server(Backend("postgres", url), tmp_path, env=env) as server:
                yield Fragile(server, proxy)
        finally:
            proxy.cut()


async def test_an_outage_answers_503_and_heals_by_itself(fragile: Fragile) -> None:
    async with Api(fragile.server) as api:
        teacher, class_id, (student,) = await api.classroom(1)
        unread = await api.create_class(teacher, "Not read yet")
        await api.start(teacher, class_id)
        socket = await api.ws(teacher)
        detail = f"/class/{class_id}"
        assert (await api.request("GET", detail, teacher.token)).status_code == 200
        fragile.proxy.cut()
        # Through SQLAlchemy's pool, and through the plain asyncpg pool of the hot reads.
        for path in ("/classes", f"/class/{unread}"):
            down = await api.request("GET", path, teacher.token)
            assert (down.status_code, down.json()) == (503, UNAVAILABLE)
        # A class this process remembers is still answered from memory.
        assert (await api.request("GET", detail, teacher.token)).status_code == 200
        reply = await socket.request(
            "ATTENDANCE_MARKED", {"studentId": student.id, "status": "late"}
        )
        assert reply == {"event": "ERROR", "data": {"message": "Service unavailable"}}
        with pytest.raises(websockets.InvalidStatus):
            await api.ws(student)
        fragile.proxy.restore()
        ready = None
        for _ in range(50):
            ready = await api.http.get("/readyz")
            if ready.status_code == 200:
                break
            await asyncio.sleep(0.2)
        assert ready is not None and ready.status_code == 200
        back = await api.request("GET", detail, teacher.token)
        assert back.json()["data"]["students"] == [
            {"id": student.id, "name": student.name, "email": student.email}
        ]
        # The same socket carries on, and the mark is stored once the database is back.
        reply = await socket.request(
            "ATTENDANCE_MARKED", {"studentId": student.id, "status": "late"}
        )
        assert reply["event"] == "ATTENDANCE_MARKED"
        state = await socket.request("SESSION_STATE")
        assert state["data"]["attendance"] == {student.id: "late"}
        await socket.close()


@pytest.mark.parametrize("read", ["/classes", "/class/{class_id}"])
async def test_a_hanging_database_costs_a_request_no_more_than_the_timeout(
    fragile: Fragile, read: str
) -> None:
    async with Api(fragile.server) as api:
        teacher, class_id, _ = await api.classroom(1)
        assert (await api.request("GET", read.format(class_id=class_id), teacher.token)).is_success
        # A class not read yet, so that the read cannot be answered from memory.
        path = read.format(class_id=await api.create_class(teacher, "Not read yet"))
        fragile.proxy.hang()
        started = time.monotonic()
        response = await api.request("GET", path, teacher.token)
        elapsed = time.monotonic() - started
        assert (response.status_code, response.json()) == (503, UNAVAILABLE)
        assert elapsed < DB_TIMEOUT * 3
        # The path comes back as a reset: the hung connections are gone, new ones get through.
        fragile.proxy.cut()
        fragile.proxy.restore()
        for _ in range(50):
            response = await api.request("GET", path, teacher.token)
            if response.status_code == 200:
                break
            await asyncio.sleep(0.2)
        assert response.status_code == 200
