"""One WebSocket load-client process: hold a share of the student sockets of one server.

    python -m bench.wsload URL TOKENS_FILE [MAX_SECONDS]

Connects one socket per token in TOKENS_FILE to `URL?token=...`, prints `READY <n>`, then
timestamps every `ATTENDANCE_MARKED` frame with CLOCK_MONOTONIC, which is one clock for every
process on Linux, so the runner can compare receipts with its own send times. When all `n`
sockets have received the mark of one student, it prints `MARK <studentId> <last receipt>`.
Sockets closed by the server are reported as `CLOSED <count>`. Exits when stdin closes (the
runner is done or gone) or after MAX_SECONDS, whichever comes first.

Each socket is an asyncio protocol, not a task: a frame costs one callback and a few
microseconds, so that a few processes keep up with thousands of sockets (the `websockets`
asyncio `connect()` API measured ~65 us of CPU a frame, this ~15 us).
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import cast

import uvloop
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.uri import parse_uri

CONNECTS_AT_ONCE = 32
MARKER = b'"studentId":"'


def emit(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class Receipts:
    """Per marked student: how many of our sockets heard it, and when the last one did."""

    def __init__(self) -> None:
        self.sockets = 0
        self.heard: defaultdict[bytes, int] = defaultdict(int)
        self.closed = 0
        self.ending = False

    def record(self, frame: bytes | bytearray, at: float) -> None:
        if b"ATTENDANCE_MARKED" not in frame:
            return
        start = frame.find(MARKER) + len(MARKER)
        student = bytes(frame[start : start + 36])
        self.heard[student] += 1
        if self.heard[student] == self.sockets:
            del self.heard[student]  # the same student may be marked again later
            emit(f"MARK {student.decode()} {at:.6f}")

    def lost(self) -> None:
        if not self.ending:
            self.closed += 1
            emit(f"CLOSED {self.closed}")


class Student(asyncio.Protocol):
    """One socket: the handshake through `websockets`' sans-I/O client, then a minimal reader
    of server frames (unmasked, unfragmented), so a frame costs a few microseconds."""

    def __init__(self, url: str, receipts: Receipts) -> None:
        self.handshake = ClientProtocol(parse_uri(url))
        self.receipts = receipts
        self.open: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self.handshake.send_request(self.handshake.connect())
        for chunk in self.handshake.data_to_send():
            self.transport.write(chunk)

    def data_received(self, data: bytes) -> None:
        at = time.monotonic()
        if not self.open.done():
            self._handshake(data)
            return
        buffer = self.buffer
        buffer += data
        while len(buffer) >= 2:
            size, start = buffer[1] & 0x7F, 2
            if size >= 126:
                start = 4 if size == 126 else 10
                if len(buffer) < start:
                    return
                size = int.from_bytes(buffer[2:start], "big")
            if len(buffer) < start + size:
                return
            opcode, payload = buffer[0] & 0x0F, bytes(buffer[start : start + size])
            del buffer[: start + size]
            if opcode == Opcode.TEXT:
                self.receipts.record(payload, at)
            elif opcode == Opcode.PING:
                self._write(Frame(Opcode.PONG, payload).serialize(mask=True))
            elif opcode == Opcode.CLOSE:
                self._write(Frame(Opcode.CLOSE, payload[:2]).serialize(mask=True))
                self._close()

    def _handshake(self, data: bytes) -> None:
        self.handshake.receive_data(data)
        for event in self.handshake.events_received():
            if isinstance(event, Response):
                if self.handshake.handshake_exc is not None:
                    self.open.set_exception(self.handshake.handshake_exc)
                else:
                    self.open.set_result(None)

    def send_text(self, text: str) -> None:
        self._write(Frame(Opcode.TEXT, text.encode()).serialize(mask=True))

    def _write(self, data: bytes) -> None:
        if self.transport is not None:
            self.transport.write(data)

    def _close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.open.done():
            self.open.set_exception(exc or ConnectionError("closed during the handshake"))
        else:
            self.receipts.lost()


async def open_socket(url: str, receipts: Receipts, gate: asyncio.Semaphore) -> Student:
    async with gate:
        loop = asyncio.get_running_loop()
        host, port = url.split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)
        _, student = await loop.create_connection(lambda: Student(url, receipts), host, int(port))
        await asyncio.wait_for(student.open, 60)
        return student


async def stdin_lines() -> AsyncIterator[str]:
    """The runner's commands, until it closes our stdin."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        yield line.decode()


async def stdin_closed() -> None:
    async for _ in stdin_lines():
        pass


async def main(tokens: list[str], url: str, max_seconds: float) -> None:
    receipts = Receipts()
    gate = asyncio.Semaphore(CONNECTS_AT_ONCE)
    sockets = await asyncio.gather(
        *(open_socket(f"{url}?token={token}", receipts, gate) for token in tokens)
    )
    receipts.sockets = len(sockets)
    emit(f"READY {len(sockets)}")
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stdin_closed(), max_seconds)
    receipts.ending = True
    for student in sockets:
        if student.transport is not None:
            student.transport.abort()


if __name__ == "__main__":
    with open(sys.argv[2]) as handle:
        tokens = handle.read().split()
    limit = float(sys.argv[3]) if len(sys.argv) > 3 else 900.0
    uvloop.run(main(tokens, sys.argv[1], limit))
