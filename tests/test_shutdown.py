"""SIGTERM: stop accepting, close sockets with 1001, exit within 10 s, lose no mark."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import pytest
import websockets

from tests.support.backends import Backend
from tests.support.client import Api
from tests.support.server import start_server


def assert_going_away(closed: websockets.ConnectionClosed) -> None:
    """The server closed the socket itself, with 1001 (going away), not uvicorn's 1012."""
    assert closed.rcvd is not None, f"closed without a close frame from the server: {closed}"
    assert closed.rcvd.code == 1001, closed.rcvd


async def test_sigterm_closes_sockets_going_away_and_keeps_every_mark(
    backend: Backend, tmp_path: Path
) -> None:
    with start_server(backend, tmp_path, env={"LOG_LEVEL": "info"}) as server:
        async with Api(server) as api:
            teacher, class_id, students = await api.classroom(3)
            await api.start(teacher, class_id)
            socket = await api.ws(teacher)
            for student in students:
                reply = await socket.request(
                    "ATTENDANCE_MARKED", {"studentId": student.id, "status": "late"}
                )
                assert reply["event"] == "ATTENDANCE_MARKED"
            assert server.process is not None
            started = time.monotonic()
            server.process.send_signal(signal.SIGTERM)
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(socket.connection.recv(), 10)
            assert_going_away(closed.value)
            exit_code = await asyncio.to_thread(server.process.wait, 15)
            assert time.monotonic() - started < 10
            # uvicorn finishes gracefully, then re-raises the signal it caught.
            assert exit_code in (0, -signal.SIGTERM)
            assert "Application shutdown complete" in server.log_path.read_text()
            server.start()
            async with await api.ws(teacher) as again:
                state = await again.request("SESSION_STATE", {"classId": class_id})
            assert set(state["data"]["attendance"].values()) == {"late"}


async def test_sigterm_with_marks_in_flight_keeps_every_acknowledged_one(
    backend: Backend, tmp_path: Path
) -> None:
    """Marks still being handled when SIGTERM arrives finish before the database is closed:
    the shutdown logs no error, and every mark the teacher heard back is stored (or a later
    one of the same student)."""
    statuses = ("present", "late", "excused", "absent")
    with start_server(backend, tmp_path, env={"LOG_LEVEL": "info"}) as server:
        async with Api(server) as api:
            teacher, class_id, students = await api.classroom(10)
            await api.start(teacher, class_id)
            socket = await api.ws(teacher)
            for status in statuses:
                for student in students:
                    await socket.send(
                        "ATTENDANCE_MARKED", {"studentId": student.id, "status": status}
                    )
            assert server.process is not None
            heard: dict[str, int] = {}  # student → the latest round the teacher heard back
            with pytest.raises(websockets.ConnectionClosed) as closed:
                while True:
                    message = await socket.receive(10)
                    assert message["event"] == "ATTENDANCE_MARKED", message
                    if not heard:  # the first answer: most of the burst is still to come
                        server.process.send_signal(signal.SIGTERM)
                    data = message["data"]
                    heard[data["studentId"]] = statuses.index(data["status"])
            assert_going_away(closed.value)
            assert await asyncio.to_thread(server.process.wait, 15) in (0, -signal.SIGTERM)
            log = server.log_path.read_text()
            assert "Traceback" not in log and '"level": "error"' not in log, log
            server.start()
            async with await api.ws(teacher) as again:
                state = await again.request("SESSION_STATE", {"classId": class_id})
    stored = state["data"]["attendance"]
    for student_id, round_heard in heard.items():
        assert statuses.index(stored[student_id]) >= round_heard, (student_id, stored)
