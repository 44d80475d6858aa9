"""A socket its app has detached, served by an object of its own that holds only what an idle
socket needs.

uvicorn's protocol object carries a connection's ASGI side for as long as it is open: the
server's config, a receive queue, an Event for writability, the handshake's request and
response, some 45 attributes in a dict CPython no longer shares between instances. Once the
app has detached a socket (transport.py), that is nearly 3 KiB of an idle socket's 9 KiB
doing nothing. The transport is then handed to a `Detached`, with a slot for each thing left to do:
read frames for the owner, write what fan-out gives it, keep the connection alive with pings,
and close. The peer sees the same protocol as before: the `websockets` state machine that
served the handshake goes on serving the frames.
"""

from __future__ import annotations

import asyncio
import random
import struct
import weakref
from asyncio import TimerHandle
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from uvicorn.server import ServerState
from websockets.frames import Frame, Opcode
from websockets.server import ServerProtocol

from headcount.realtime import sockets
from headcount.realtime.sockets import GOING_AWAY, KEEPALIVE_TIMEOUT, Owner


@dataclass(eq=False, slots=True)
class Server:
    """What every detached socket of one uvicorn server shares: the sets its graceful shutdown
    walks and waits for, and the keepalive's period (a ping unanswered for as long again ends
    the socket)."""

    connections: set[Any]
    tasks: set[asyncio.Task[None]]
    loop: asyncio.AbstractEventLoop
    ping_seconds: float


_servers: weakref.WeakKeyDictionary[ServerState, Server] = weakref.WeakKeyDictionary()


def server_of(
    state: ServerState, loop: asyncio.AbstractEventLoop, ping_seconds: float | None
) -> Server:
    found = _servers.get(state)
    if found is None:
        if not ping_seconds:
            raise ValueError("a detached socket needs a keepalive period")
        found = _servers[state] = Server(state.connections, state.tasks, loop, ping_seconds)
    return found


class Detached(asyncio.Protocol):
    """An accepted socket after the detach. `_timer` is the next ping while `_ping` is None,
    else the deadline for the pong answering `_ping`."""

    __slots__ = (
        "_closing",
        "_conn",
        "_owner",
        "_parts",
        "_ping",
        "_reading_held",
        "_release",
        "_server",
        "_stall",
        "_text",
        "_timer",
        "_transport",
    )

    def __init__(
        self,
        transport: asyncio.Transport,
        conn: ServerProtocol,
        owner: Owner,
        release: Callable[[], None],
        server: Server,
        reading_held: bool,
    ) -> None:
        self._transport = transport
        self._conn = conn
        self._owner: Owner | None = owner
        self._release = release
        self._server = server
        self._reading_held = reading_held
        self._closing = False
        self._parts: list[bytes] | None = None  # a message arriving in several frames
        self._text = False
        self._stall: TimerHandle | None = None
        self._ping: bytes | None = None
        self._timer = server.loop.call_later(server.ping_seconds, self._send_ping)

    # The owner's side (sockets.Live).

    def push(self, frame: bytes) -> None:
        if not self._closing and not self._transport.is_closing():
            sockets.push(self._transport, frame)

    def hold_reading(self, hold: bool) -> None:
        self._reading_held = sockets.hold_reading(self._transport, self._reading_held, hold)

    def spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """A task for this socket's work that a graceful shutdown waits for."""
        return sockets.spawn(self._server.loop, self._server.tasks, work)

    def end(self, code: int) -> None:
        if not self._closing and not self._transport.is_closing():
            self._closing = True
            self._timer.cancel()
            sockets.end(self._conn, self._transport, code)

    def shutdown(self) -> None:
        """uvicorn's graceful shutdown: the socket closes going away."""
        if self._closing:
            self._transport.close()
        else:
            self.end(GOING_AWAY)

    # The transport's side (asyncio.Protocol).

    def data_received(self, data: bytes) -> None:
        conn = self._conn
        conn.receive_data(data)
        if conn.parser_exc is not None:
            # `websockets` has queued the close frame that says what was wrong (1002, 1009).
            self._close_now()
            return
        for frame in conn.events_received():
            if isinstance(frame, Frame):
                self._handle(frame)

    def pause_writing(self) -> None:
        if self._stall is None:
            self._stall = sockets.watch_stall(self._server.loop, self._transport)

    def resume_writing(self) -> None:
        if self._stall is not None:
            self._stall.cancel()
            self._stall = None

    def connection_lost(self, exc: Exception | None) -> None:
        self._timer.cancel()
        self.resume_writing()
        self._server.connections.discard(self)
        owner, self._owner = self._owner, None
        if owner is not None:
            owner.closed(sockets.close_code(self._conn))
        self._release()

    # Frames.

    def _handle(self, frame: Frame) -> None:
        opcode = frame.opcode
        if opcode is Opcode.TEXT or opcode is Opcode.BINARY:
            self._text = opcode is Opcode.TEXT
            if frame.fin:
                self._deliver(bytes(frame.data))
            else:
                self._parts = [bytes(frame.data)]
        elif opcode is Opcode.CONT and self._parts is not None:
            self._parts.append(bytes(frame.data))
            if frame.fin:
                parts, self._parts = self._parts, None
                self._deliver(b"".join(parts))
        elif opcode is Opcode.PING:
            sockets.flush(self._conn, self._transport)  # the pong `websockets` queued
        elif opcode is Opcode.PONG:
            self._ponged(bytes(frame.data))
        elif opcode is Opcode.CLOSE:
            # The peer's close, or its answer to ours: `websockets` queued the echo of one.
            self._close_now()

    def _deliver(self, data: bytes) -> None:
        if self._closing or self._owner is None:
            return  # past our close frame, messages are not read
        received = sockets.message(self._conn, data, self._text)
        if received is None:
            self._close_now()
        else:
            self._owner.received(received)

    def _close_now(self) -> None:
        self._closing = True
        self._timer.cancel()
        if not self._transport.is_closing():
            sockets.flush(self._conn, self._transport)
            self._transport.close()

    # Keepalive, as uvicorn's: a ping every period, a pong due within the next one.

    def _send_ping(self) -> None:
        if self._closing or self._transport.is_closing():
            return
        self._ping = struct.pack("!I", random.getrandbits(32))
        self._conn.send_ping(self._ping)
        sockets.flush(self._conn, self._transport)
        self._timer = self._server.loop.call_later(self._server.ping_seconds, self._no_pong)

    def _ponged(self, payload: bytes) -> None:
        if self._ping is None or payload != self._ping:
            return  # unsolicited, or an answer to an older ping
        self._ping = None
        self._timer.cancel()
        self._timer = self._server.loop.call_later(self._server.ping_seconds, self._send_ping)

    def _no_pong(self) -> None:
        if not self._closing and not self._transport.is_closing():
            self._conn.fail(KEEPALIVE_TIMEOUT, "keepalive ping timeout")
            self._close_now()
