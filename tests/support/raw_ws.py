"""A WebSocket client written by hand over plain TCP: the frames no well-behaved client sends,
and the server's frames as they are on the wire (tests/fuzz, tests/realtime)."""

from __future__ import annotations

import asyncio
import base64
import os
import struct
from collections.abc import Iterator

from tests.support.client import Account
from tests.support.server import ServerProcess

FIN = 0x80
TEXT, BINARY, CLOSE, PING, PONG = 0x1, 0x2, 0x8, 0x9, 0xA


def frame(first: int, payload: bytes, *, mask: bool = True, length: int | None = None) -> bytes:
    """One client frame from its first byte (FIN, RSV bits, opcode), valid or not."""
    size = len(payload) if length is None else length
    mask_bit = 0x80 if mask else 0
    if size < 126:
        head = bytes([first, mask_bit | size])
    elif size < 2**16:
        head = bytes([first, mask_bit | 126]) + struct.pack("!H", size)
    else:
        head = bytes([first, mask_bit | 127]) + struct.pack("!Q", size)
    if not mask:
        return head + payload
    key = os.urandom(4)
    return head + key + bytes(byte ^ key[i % 4] for i, byte in enumerate(payload))


def upgrade_request(server: ServerProcess, account: Account) -> bytes:
    key = base64.b64encode(os.urandom(16)).decode()
    return (
        f"GET /ws?token={account.token} HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{server.port}\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n"
    ).encode()


def assert_switched(head: bytes) -> None:
    status = head.split(b"\r\n", 1)[0].split(b" ")
    assert status[1] == b"101", head


def server_frames(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(opcode, payload) of each frame the server sent; server frames are never masked."""
    at = 0
    while at < len(data):
        assert len(data) >= at + 2, f"truncated frame header: {data[at:]!r}"
        first, second = data[at], data[at + 1]
        assert first & 0x80 and not first & 0x70, f"bad first byte in {data[at:]!r:.200}"
        assert not second & 0x80, f"masked server frame: {data[at:]!r:.200}"
        size, at = second & 0x7F, at + 2
        if size == 126:
            (size,), at = struct.unpack("!H", data[at : at + 2]), at + 2
        elif size == 127:
            (size,), at = struct.unpack("!Q", data[at : at + 8]), at + 8
        assert len(data) >= at + size, f"truncated frame: {data!r:.200}"
        yield first & 0x0F, data[at : at + size]
        at += size


async def read_frame(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """The opcode and payload of the next frame the server sends."""
    head = await reader.readexactly(2)
    size = head[1] & 0x7F
    if size == 126:
        (size,) = struct.unpack("!H", await reader.readexactly(2))
    elif size == 127:
        (size,) = struct.unpack("!Q", await reader.readexactly(8))
    return head[0] & 0x0F, await reader.readexactly(size)
