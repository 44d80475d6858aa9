"""uvicorn's httptools protocol, made to defend the process (ARCHITECTURE pitfall 16).

httptools buffers a request head of any size and uvicorn waits for it forever: one client
could grow the process by hundreds of MiB or hold every file descriptor. Here a head is
counted before the parser sees it and refused past `MAX_HEADER_BYTES` (431), must arrive
within `HANDSHAKE_TIMEOUT` (else 408, or a plain close if nothing came), and every connection
holds a slot of `connections.Registry` for as long as it is open, WebSocket upgrades included.
After a refusal the connection stops being parsed, stops sending, and reads what is left in
flight for `LINGER_SECONDS`, so the client sees the answer rather than a reset.
"""

from __future__ import annotations

import asyncio
import functools
from asyncio import TimerHandle
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, cast

import httptools
from uvicorn._types import ASGI3Application
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

from headcount.http.connections import Caps, Registry, Slot, address_of, default_total
from headcount.http.envelope import fail
from headcount.http.one_send import OneSend
from headcount.realtime.protocol import TOO_MANY_CONNECTIONS
from headcount.settings import Settings

LINGER_SECONDS = 2.0
HEALTH_PATHS = frozenset({b"/healthz", b"/readyz"})
TOO_MANY = fail(503, TOO_MANY_CONNECTIONS)


class Releasing(Protocol):
    """The WebSocket protocol an upgraded connection moves to: it calls `release` on close."""

    release: Callable[[], None]


@dataclass(frozen=True)
class Head:
    max_bytes: int
    timeout: float


def protocol_for(settings: Settings) -> Callable[..., asyncio.Protocol]:
    """What `headcount serve` gives uvicorn as its HTTP protocol class.

    A partial of a module-level class, so it pickles: with `--workers`, each worker process
    unpickles a registry of its own."""
    caps = Caps(
        total=settings.max_connections or default_total(),
        per_address=settings.max_connections_per_address,
    )
    head = Head(settings.max_header_bytes, settings.handshake_timeout)
    return functools.partial(GuardedProtocol, head=head, registry=Registry(caps))


def _answer(status: int, message: str, server: ServerState) -> bytes:
    """A whole response in the envelope, for a connection no ASGI request cycle serves."""
    response = fail(status, message)
    lines = [STATUS_LINE[status]]
    headers = [*server.default_headers, *response.raw_headers, (b"connection", b"close")]
    for name, value in headers:
        lines += [name, b": ", value, b"\r\n"]
    return b"".join([*lines, b"\r\n", response.body])


class GuardedProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, head: Head, registry: Registry, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.head = head
        self.registry = registry
        self.slot: Slot | None = None
        # What the request head being read may still take; None while no head is being read.
        self.head_room: int | None = head.max_bytes
        self.timer: TimerHandle | None = None
        self.done = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.slot = self.registry.admit(address_of(self.client), self)
        if self.slot is None:
            self.done = True
            self.transport.write(_answer(503, TOO_MANY_CONNECTIONS, self.server_state))
            self.transport.close()
            return
        self._start_clock()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_clock()
        if self.slot is not None:
            self.slot.release()
        super().connection_lost(exc)

    def evict(self) -> None:
        self.done = True
        self.transport.abort()

    def data_received(self, data: bytes) -> None:
        if self.done:
            return
        room = self.head_room
        if room is None:
            super().data_received(data)
            return
        if room == 0:
            self._refuse(431, "Request header fields too large")
            return
        head, rest = data[:room], data[room:]
        self.head_room = room - len(head)
        super().data_received(head)
        if self.transport.is_closing() or self.transport.get_protocol() is not self:
            return
        if self.head_room is not None:
            # Most heads arrive whole, and then need no clock at all.
            self._start_clock()
        if rest:
            self.data_received(rest)

    def on_headers_complete(self) -> None:
        self.head_room = None
        self._stop_clock()
        reserved = self._reserved
        if reserved:
            cast(Slot, self.slot).settle()
            if not self._asks_health():
                self.app = cast(ASGI3Application, TOO_MANY)
        before = self.cycle
        super().on_headers_complete()
        if self.cycle is not before:  # a request to answer, not an upgrade
            self.cycle.transport = cast(asyncio.Transport, OneSend(self.transport, self.loop))
        if reserved:
            self.cycle.keep_alive = False

    def on_message_complete(self) -> None:
        self.head_room = self.head.max_bytes
        super().on_message_complete()

    def handle_websocket_upgrade(self) -> None:
        super().handle_websocket_upgrade()
        upgraded = cast(Releasing, self.transport.get_protocol())
        slot, self.slot = cast(Slot, self.slot), None
        upgraded.release = slot.release

    def _should_upgrade(self) -> bool:
        """A reserve slot is for a health check, never for a socket that stays open."""
        return not self._reserved and super()._should_upgrade()

    def _unsupported_upgrade_warning(self) -> None:
        if not self._reserved:
            super()._unsupported_upgrade_warning()

    @property
    def _reserved(self) -> bool:
        return self.slot is not None and self.slot.reserve

    def _asks_health(self) -> bool:
        try:
            return bytes(httptools.parse_url(self.url).path) in HEALTH_PATHS
        except httptools.HttpParserInvalidURLError:
            return False

    def _start_clock(self) -> None:
        if self.timer is None:
            self.timer = self.loop.call_later(self.head.timeout, self._too_slow)

    def _stop_clock(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _too_slow(self) -> None:
        self.timer = None
        if self.head_room == self.head.max_bytes:
            self.done = True
            self.transport.close()
        else:
            self._refuse(408, "Request timeout")

    def _refuse(self, status: int, message: str) -> None:
        self.done = True
        self._stop_clock()
        self.transport.write(_answer(status, message, self.server_state))
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.timer = self.loop.call_later(LINGER_SECONDS, self.transport.close)
