"""Logs people can use: one line per request and per socket, JSON outside development,
files in LOG_DIR, and never a token."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.backends import Backend
from tests.support.client import Api
from tests.support.server import start_server


async def test_no_token_reaches_any_log(backend: Backend, tmp_path: Path) -> None:
    log_dir = tmp_path / "logs"
    with start_server(
        backend, tmp_path, env={"LOG_DIR": str(log_dir), "LOG_LEVEL": "info"}
    ) as server:
        async with Api(server) as api:
            teacher = await api.teacher()
            me = await api.request("GET", "/auth/me", teacher.token)
            assert me.status_code == 200
            async with await api.ws(teacher) as socket:
                await socket.request("TODAY_SUMMARY")
            refused = await api.ws(token=teacher.token + "x")
            await refused.receive()
            await api.request("GET", f"/auth/me?token={teacher.token}", "Bearer " + teacher.token)
        console = server.log_path.read_text()
    combined = (log_dir / "combined.log").read_text()
    assert (log_dir / "error.log").exists()
    for text in (console, combined):
        assert teacher.token not in text
        assert teacher.token.split(".")[2] not in text  # not even the signature
    lines = [json.loads(line) for line in combined.splitlines()]
    requests = [line for line in lines if line["event"] == "request"]
    me_line = next(line for line in requests if line["path"] == "/auth/me")
    assert (me_line["method"], me_line["status"], me_line["user_id"]) == ("GET", 200, teacher.id)
    assert isinstance(me_line["duration_ms"], float)
    events = [line["event"] for line in lines]
    assert "ws connect" in events and "ws disconnect" in events
