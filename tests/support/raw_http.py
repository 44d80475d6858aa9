"""Plain TCP to a test server: the requests no well-behaved HTTP client would send."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from tests.support.server import ServerProcess

Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]
# Far longer than any limit the tests configure: a connection still open then is kept open.
PATIENCE_SECONDS = 10.0


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def head(path: str, *extra: str) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *extra]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def connect(server: ServerProcess, source: str = "127.0.0.1") -> Connection:
    """A TCP connection to `server` from `source` (any 127.x.y.z address reaches it)."""
    return await asyncio.open_connection("127.0.0.1", server.port, local_addr=(source, 0))


async def read_to_end(reader: asyncio.StreamReader) -> bytes:
    """Everything the server sends until it closes; TimeoutError if it keeps the connection."""
    received = bytearray()
    async with asyncio.timeout(PATIENCE_SECONDS):
        with contextlib.suppress(ConnectionResetError):
            while chunk := await reader.read(65536):
                received += chunk
    return bytes(received)


def parse(raw: bytes) -> Reply:
    start, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = start.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Reply(int(status_line.split()[1]), headers, body)


async def _write(writer: asyncio.StreamWriter, chunks: list[bytes], pause: float) -> None:
    with contextlib.suppress(ConnectionError):
        for chunk in chunks:
            writer.write(chunk)
            await writer.drain()
            await asyncio.sleep(pause)


@contextlib.asynccontextmanager
async def sending(
    server: ServerProcess, chunks: list[bytes], pause: float = 0.0, source: str = "127.0.0.1"
) -> AsyncIterator[asyncio.StreamReader]:
    """Write `chunks` (`pause` seconds apart) in the background while the caller reads."""
    reader, writer = await connect(server, source)
    writer_task = asyncio.create_task(_write(writer, chunks, pause))
    try:
        yield reader
    finally:
        writer_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await writer_task
        writer.close()


async def exchange(server: ServerProcess, request: bytes, source: str = "127.0.0.1") -> Reply:
    async with sending(server, [request], source=source) as reader:
        return parse(await read_to_end(reader))
