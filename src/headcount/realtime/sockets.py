"""What a live socket is to the app, and the rules both of its protocol objects follow.

A socket is served by uvicorn's protocol (transport.py) until its app detaches it, then by a
smaller object of its own (detached.py); the rules that hold for both are here once.
"""

from __future__ import annotations

import asyncio
import logging
from asyncio import TimerHandle
from collections.abc import Coroutine
from typing import Any, Protocol

from websockets.server import ServerProtocol

BACKLOG_LIMIT = 1024 * 1024
STALL_SECONDS = 10.0
GOING_AWAY = 1001
ABNORMAL = 1006
INVALID_PAYLOAD = 1007
KEEPALIVE_TIMEOUT = 1011
# uvicorn's logger, where its own protocol's warnings went.
log = logging.getLogger("uvicorn.error")


class Live(Protocol):
    """An accepted socket, as its owner uses it."""

    def push(self, frame: bytes) -> None: ...

    def hold_reading(self, hold: bool) -> None: ...

    def spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]: ...

    def end(self, code: int) -> None: ...


class Owner(Protocol):
    """What a detached socket reports to, on the event loop, in order; `socket` is the object
    that serves the socket from the detach on."""

    socket: Live

    def received(self, message: str | bytes) -> None: ...

    def closed(self, code: int) -> None: ...


class Socket(Live, Protocol):
    """What the app gets in `scope["extensions"][EXTENSION]`."""

    def detach(self, owner: Owner) -> None: ...


def push(transport: asyncio.Transport, frame: bytes) -> None:
    """Queue one complete, unmasked frame, or drop a peer whose backlog overflowed."""
    if transport.get_write_buffer_size() > BACKLOG_LIMIT:
        log.warning("dropping a WebSocket peer whose backlog overflowed")
        transport.abort()
        return
    transport.write(frame)


def hold_reading(transport: asyncio.Transport, held: bool, hold: bool) -> bool:
    """Reading paused or resumed as `hold` says; whether it is held now."""
    if hold == held or transport.is_closing():
        return held
    if hold:
        transport.pause_reading()
    else:
        transport.resume_reading()
    return hold


def flush(conn: ServerProtocol, transport: asyncio.Transport) -> None:
    """Write what the `websockets` state machine has queued (a pong, a close frame)."""
    transport.write(b"".join(conn.data_to_send()))


def end(conn: ServerProtocol, transport: asyncio.Transport, code: int) -> None:
    """Close with `code` now: the close frame goes out after anything already queued, and
    the connection ends without waiting for the peer to answer it."""
    conn.send_close(code)
    flush(conn, transport)
    transport.close()


def message(conn: ServerProtocol, data: bytes, text: bool) -> str | bytes | None:
    """What the owner receives of a whole message: bytes as they came, text decoded; None for
    text that is not UTF-8, for which a 1007 close frame is queued."""
    if not text:
        return data
    try:
        return data.decode()
    except UnicodeDecodeError:
        conn.send_close(INVALID_PAYLOAD)
        return None


def close_code(conn: ServerProtocol) -> int:
    """The peer's close code, else ours, else 1006 (the connection just ended)."""
    for close in (conn.close_rcvd, conn.close_sent):
        if close is not None:
            return int(close.code)
    return ABNORMAL


def spawn(
    loop: asyncio.AbstractEventLoop,
    tasks: set[asyncio.Task[None]],
    work: Coroutine[Any, Any, None],
) -> asyncio.Task[None]:
    """A task for a socket's work, in the set uvicorn's graceful shutdown waits for."""
    task = loop.create_task(work)
    task.add_done_callback(tasks.discard)
    tasks.add(task)
    return task


def watch_stall(loop: asyncio.AbstractEventLoop, transport: asyncio.Transport) -> TimerHandle:
    """Started when the transport pauses writing, cancelled when it resumes: a peer still
    not reading after `STALL_SECONDS` is dropped."""
    return loop.call_later(STALL_SECONDS, _drop_stalled, transport)


def _drop_stalled(transport: asyncio.Transport) -> None:
    log.warning("dropping a WebSocket peer that stopped reading")
    transport.abort()
