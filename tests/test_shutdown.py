"""SIGTERM: stop accepting, close sockets with 1001, exit within 10 s, lose no mark."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import websockets

from tests.support.backends import Backend
from tests.support.client import Api
from tests.support.server import start_server


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
            try:
                await asyncio.wait_for(socket.connection.recv(), 10)
            except websockets.ConnectionClosed as closed:
                assert closed.rcvd is not None and closed.rcvd.code == 1001
            exit_code = await asyncio.to_thread(server.process.wait, 15)
            assert time.monotonic() - started < 10
            # uvicorn finishes gracefully, then re-raises the signal it caught.
            assert exit_code in (0, -signal.SIGTERM)
            assert "Application shutdown complete" in server.log_path.read_text()
            server.start()
            async with await api.ws(teacher) as again:
                state = await again.request("SESSION_STATE", {"classId": class_id})
            assert set(state["data"]["attendance"].values()) == {"late"}
