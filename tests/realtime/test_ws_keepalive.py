"""Keepalive of an open /ws socket (realtime/detached.py): the server pings every
`WS_PING_INTERVAL` seconds; a peer that answers stays connected, one that stops answering
is closed with 1011 once the next period has passed."""

from __future__ import annotations

import asyncio
import struct
from pathlib import Path

from tests.support.backends import Backend
from tests.support.client import Api
from tests.support.raw_ws import (
    CLOSE,
    FIN,
    PING,
    PONG,
    TEXT,
    assert_switched,
    frame,
    read_frame,
    upgrade_request,
)
from tests.support.server import start_server

PERIOD_SECONDS = 0.5
PATIENCE_SECONDS = 5.0
KEEPALIVE_TIMEOUT = 1011


async def test_a_peer_that_answers_pings_stays_and_one_that_stops_is_closed(
    backend: Backend, tmp_path: Path
) -> None:
    with start_server(backend, tmp_path, env={"WS_PING_INTERVAL": str(PERIOD_SECONDS)}) as server:
        async with Api(server) as api:
            teacher = await api.teacher()
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        try:
            writer.write(upgrade_request(server, teacher))
            assert_switched(await reader.readuntil(b"\r\n\r\n"))
            for _ in range(2):
                opcode, payload = await asyncio.wait_for(read_frame(reader), PATIENCE_SECONDS)
                assert (opcode, len(payload)) == (PING, 4)
                writer.write(frame(FIN | PONG, payload))
            writer.write(frame(FIN | TEXT, b'{"event": "PING"}'))
            opcode, payload = await asyncio.wait_for(read_frame(reader), PATIENCE_SECONDS)
            if opcode == PING:  # the next period began before the reply went out
                writer.write(frame(FIN | PONG, payload))
                opcode, payload = await asyncio.wait_for(read_frame(reader), PATIENCE_SECONDS)
            assert opcode == TEXT and b'"ERROR"' in payload, payload  # still served
            opcode, _ = await asyncio.wait_for(read_frame(reader), PATIENCE_SECONDS)
            assert opcode == PING  # left unanswered from here on
            opcode, payload = await asyncio.wait_for(read_frame(reader), PATIENCE_SECONDS)
            assert (opcode, struct.unpack("!H", payload[:2])[0]) == (CLOSE, KEEPALIVE_TIMEOUT)
            assert await asyncio.wait_for(reader.read(), PATIENCE_SECONDS) == b""
        finally:
            writer.close()
