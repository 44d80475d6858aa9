"""Bytes that are not valid WebSocket frames, written to a real server after a valid handshake.

The server must end that one connection — with the RFC 6455 close code when it can say why —
while other connections and the HTTP side keep working.
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
from collections.abc import AsyncIterator

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from websockets.sync.client import connect

from tests.fuzz.profile import fuzz_settings
from tests.realtime.helpers import Room, open_room
from tests.support.client import Account, Api
from tests.support.raw_ws import (
    BINARY,
    CLOSE,
    FIN,
    PING,
    PONG,
    TEXT,
    assert_switched,
    frame,
    server_frames,
    upgrade_request,
)
from tests.support.server import ServerProcess

PROTOCOL_ERROR = 1002
NO_STATUS = 1005  # a close frame without a code (RFC 6455 7.1.5)
INVALID_DATA = 1007
TOO_BIG = 1009
CLOSE_SECONDS = 5.0


def text(payload: bytes) -> bytes:
    return frame(FIN | TEXT, payload)


SESSION_STATE = json.dumps({"event": "SESSION_STATE"}).encode()

# (name, bytes, close code the server must send; None: it may just drop the connection)
GARBAGE: list[tuple[str, bytes, int | None]] = [
    ("http-request", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", PROTOCOL_ERROR),
    ("all-ones", b"\xff" * 64, PROTOCOL_ERROR),
    ("unmasked-text", frame(FIN | TEXT, SESSION_STATE, mask=False), PROTOCOL_ERROR),
    ("invalid-utf8-text", text(b'{"event": "\xc3\x28"}'), INVALID_DATA),
    ("overlong-utf8-text", text(b"\xc0\xaf"), INVALID_DATA),
    ("surrogate-utf8-text", text(b"\xed\xa0\x80"), INVALID_DATA),
    ("reserved-opcode-3", frame(FIN | 0x3, b"x"), PROTOCOL_ERROR),
    ("reserved-control-opcode-b", frame(FIN | 0xB, b"x"), PROTOCOL_ERROR),
    ("continuation-without-start", frame(FIN | 0x0, b"x"), PROTOCOL_ERROR),
    ("text-inside-fragmented", frame(TEXT, b"ab") + frame(FIN | BINARY, b"cd"), PROTOCOL_ERROR),
    ("reserved-bits", frame(FIN | 0x70 | TEXT, SESSION_STATE), PROTOCOL_ERROR),
    ("fragmented-ping", frame(PING, b"x"), PROTOCOL_ERROR),
    ("ping-over-125-bytes", frame(FIN | PING, b"x" * 126), PROTOCOL_ERROR),
    ("close-code-999", frame(FIN | CLOSE, struct.pack("!H", 999)), PROTOCOL_ERROR),
    # A close that gives no code is answered with one that gives none, as RFC 6455 5.5.1 has
    # it (the answer echoes the code received).
    ("close-without-code", frame(FIN | CLOSE, b""), NO_STATUS),
    ("close-one-byte", frame(FIN | CLOSE, b"\x03"), PROTOCOL_ERROR),
    ("close-bad-utf8", frame(FIN | CLOSE, struct.pack("!H", 1000) + b"\xff"), INVALID_DATA),
    ("declares-2**62-bytes", frame(FIN | TEXT, b"", length=2**62), TOO_BIG),
    ("truncated-then-eof", text(b"x" * 100)[:20], None),
]


def close_code(data: bytes) -> int | None:
    """The code of the close frame that ends `data` (1005 if it gives none); None when the
    connection just ended.
    Anything before it must be a complete text frame holding a JSON message."""
    code: int | None = None
    for opcode, payload in server_frames(data):
        assert code is None, f"a frame after the close frame: {data!r:.300}"
        if opcode == CLOSE:
            assert len(payload) != 1, f"a close code of one byte: {payload!r}"
            (code,) = struct.unpack("!H", payload[:2]) if payload else (NO_STATUS,)
            payload[2:].decode()
        else:
            assert opcode in (TEXT, PONG), f"opcode {opcode} in {data!r:.300}"
            if opcode == TEXT:
                assert set(json.loads(payload)) == {"event", "data"}, payload
    return code


async def send_garbage(server: ServerProcess, account: Account, garbage: bytes) -> bytes:
    """Upgrade, write `garbage`, half-close, and return everything the server sent until it
    closed the connection."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    try:
        writer.write(upgrade_request(server, account))
        assert_switched(await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), CLOSE_SECONDS))
        writer.write(garbage)
        writer.write_eof()
        return await asyncio.wait_for(reader.read(), CLOSE_SECONDS)
    finally:
        writer.close()


@pytest.mark.parametrize(
    ("garbage", "code"), [pytest.param(garbage, code, id=name) for name, garbage, code in GARBAGE]
)
async def test_garbage_frame_closes_only_its_connection(
    api: Api, garbage: bytes, code: int | None
) -> None:
    room = await open_room(api, students=1)
    async with await api.ws(room.teacher) as bystander:
        received = await send_garbage(api.server, room.teacher, garbage)
        assert close_code(received) == code, received
        reply = await bystander.request("SESSION_STATE", {"classId": room.class_id})
        assert reply["event"] == "SESSION_STATE", reply
        assert reply["data"]["classId"] == room.class_id, reply
    async with await api.ws(room.teacher) as newcomer:
        reply = await newcomer.request("SESSION_STATE", {"classId": room.class_id})
        assert reply["event"] == "SESSION_STATE", reply
    response = await api.http.get("/healthz")
    assert response.status_code == 200, response.text


def send_garbage_sync(server: ServerProcess, account: Account, garbage: bytes) -> bytes:
    """`send_garbage` with a blocking socket, for Hypothesis. A reset counts as an ending."""
    received = b""
    with socket.create_connection(("127.0.0.1", server.port), timeout=CLOSE_SECONDS) as sock:
        sock.sendall(upgrade_request(server, account))
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(4096)
            assert chunk, f"closed during the handshake: {received!r}"
            received += chunk
        head, _, received = received.partition(b"\r\n\r\n")
        assert_switched(head)
        try:
            sock.sendall(garbage)
            sock.shutdown(socket.SHUT_WR)
            while chunk := sock.recv(65536):
                received += chunk
        except (ConnectionResetError, BrokenPipeError):
            pass
    return received


@pytest.fixture(scope="module")
async def live_room(server: ServerProcess) -> AsyncIterator[Room]:
    async with Api(server) as api:
        yield await open_room(api, students=1)


FRAMES = [garbage for _, garbage, _ in GARBAGE] + [
    text(SESSION_STATE),
    frame(FIN | BINARY, SESSION_STATE),
    frame(FIN | PING, b"ping"),
    frame(TEXT, b'{"event": '),
    frame(FIN | 0x0, b'"SESSION_STATE"}'),
]


def test_any_bytes_after_the_handshake_end_only_their_connection(
    server: ServerProcess, live_room: Room
) -> None:
    """Random bytes, and random runs of good and bad frames: the server answers what it can,
    then closes within seconds, with a valid close code if any; everyone else is unaffected."""
    url = f"{server.ws_url}?token={live_room.teacher.token}"
    state = json.dumps({"event": "SESSION_STATE", "data": {"classId": live_room.class_id}})
    with connect(url, proxy=None, max_size=None) as bystander:

        @fuzz_settings(100)
        @given(
            garbage=st.binary(min_size=1, max_size=1024)
            | st.lists(st.sampled_from(FRAMES), min_size=1, max_size=4).map(b"".join)
        )
        def prop(garbage: bytes) -> None:
            code = close_code(send_garbage_sync(server, live_room.teacher, garbage))
            assert code is None or 1000 <= code < 5000, code

        prop()
        bystander.send(state)
        reply = json.loads(bystander.recv(timeout=CLOSE_SECONDS))
        assert reply["event"] == "SESSION_STATE", reply
    assert httpx.get(f"{server.base_url}/healthz", timeout=15).status_code == 200
