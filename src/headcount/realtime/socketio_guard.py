"""python-socketio's server, bounded: what a Socket.IO client can make the process hold.

- **No binary.** The gateway's events are JSON. A binary packet announces how many binary
  attachments follow (up to 9,999,999,999) and python-socketio keeps every one it receives
  until the count is reached: one signed-in client grew the process by 640 MiB that way. A
  binary packet or attachment now ends the Engine.IO session, as does a packet that does not
  parse.
- **Small packets.** Engine.IO refuses messages over `MAX_PACKET_BYTES` (its default is 1 MB).
- **Sessions must join in time.** An Engine.IO session costs memory from its handshake, and a
  handshake needs no token: 10,000 of them held 94 MiB until their pings timed out (45 s).
  A session that has not joined a namespace within `HANDSHAKE_TIMEOUT` is closed (so is one
  that left it, or was put out of it when its token expired or was revoked), and at most
  `MAX_WAITING` sessions wait at once: the oldest makes room for a newcomer, so a flood of
  handshakes can neither grow the process nor lock out a client that joins at once. Engine.IO
  pings a session from its handshake on, and its ping task keeps even a closed session in
  memory for the 25 s it sleeps; so a session is pinged from when it joins, and one closed
  before that is freed at once.

What is overridden is python-socketio's handlers of Engine.IO events and its `disconnect`;
an Engine.IO socket's `last_ping`, `schedule_ping` and `queue` are used as Engine.IO itself
uses them. Both libraries are pinned, and tests/realtime/test_socketio_limits.py drives each
bound against a real server (pings starting at the join included).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import socketio
import structlog

log = structlog.get_logger(__name__)

MAX_PACKET_BYTES = 64 * 1024
MAX_WAITING = 1000
BINARY_PACKETS = ("5", "6")  # BINARY_EVENT, BINARY_ACK


class GuardedServer(socketio.AsyncServer):  # type: ignore[misc]
    def __init__(self, *, handshake_timeout: float, **options: Any) -> None:
        super().__init__(max_http_buffer_size=MAX_PACKET_BYTES, **options)
        self.handshake_timeout = handshake_timeout
        # Engine.IO sessions that have joined no namespace yet, oldest first.
        self.waiting: dict[str, asyncio.TimerHandle] = {}
        # Sessions whose pings have not started: they have never joined.
        self.unpinged: set[str] = set()
        self.closing: set[asyncio.Task[None]] = set()

    async def _handle_eio_connect(self, eio_sid: str, environ: dict[str, Any]) -> Any:
        # Engine.IO starts pinging after this handler only if `last_ping` is set.
        self.eio.sockets[eio_sid].last_ping = None
        self.unpinged.add(eio_sid)
        await self._wait_for_join(eio_sid)
        return await super()._handle_eio_connect(eio_sid, environ)

    async def _handle_eio_message(self, eio_sid: str, data: Any) -> None:
        if eio_sid not in self.environ:
            return  # closed by an earlier packet of the same payload
        if not isinstance(data, str) or data[:1] in BINARY_PACKETS:
            log.info("socket.io session sent a binary packet: closed")
            await self._close(eio_sid)
            return
        try:
            await super()._handle_eio_message(eio_sid, data)
        except ValueError:
            await self._close(eio_sid)
            return
        if self._joined(eio_sid):
            self._stop_waiting(eio_sid)
            self._start_pings(eio_sid)
        elif eio_sid not in self.waiting:
            await self._wait_for_join(eio_sid)

    async def _handle_eio_disconnect(self, eio_sid: str, reason: Any) -> None:
        self._stop_waiting(eio_sid)
        self.unpinged.discard(eio_sid)
        await super()._handle_eio_disconnect(eio_sid, reason)

    def _start_pings(self, eio_sid: str) -> None:
        """What Engine.IO does right after a handshake, done when the session joins."""
        session = self.eio.sockets.get(eio_sid)
        if eio_sid in self.unpinged and session is not None:
            self.unpinged.discard(eio_sid)
            session.last_ping = time.time()
            session.schedule_ping()

    async def disconnect(
        self, sid: str, namespace: str | None = None, ignore_queue: bool = False
    ) -> None:
        """The server takes a session out of a namespace (its access is gone): from then on
        it has no more time to join again than a new one."""
        eio_sid = self.manager.eio_sid_from_sid(sid, namespace or "/")
        await super().disconnect(sid, namespace=namespace, ignore_queue=ignore_queue)
        if eio_sid in self.environ and eio_sid not in self.waiting and not self._joined(eio_sid):
            await self._wait_for_join(eio_sid)

    def _joined(self, eio_sid: str) -> bool:
        return any(self.manager.sid_from_eio_sid(eio_sid, name) for name in self.namespaces)

    async def _wait_for_join(self, eio_sid: str) -> None:
        if len(self.waiting) >= MAX_WAITING:
            await self._close(next(iter(self.waiting)))
        loop = asyncio.get_running_loop()
        self.waiting[eio_sid] = loop.call_later(self.handshake_timeout, self._too_late, eio_sid)

    def _stop_waiting(self, eio_sid: str) -> None:
        timer = self.waiting.pop(eio_sid, None)
        if timer is not None:
            timer.cancel()

    def _too_late(self, eio_sid: str) -> None:
        self.waiting.pop(eio_sid, None)
        task = asyncio.get_running_loop().create_task(self._close(eio_sid))
        self.closing.add(task)
        task.add_done_callback(self.closing.discard)

    async def _close(self, eio_sid: str) -> None:
        """End an Engine.IO session now, whatever its transport.

        `eio.disconnect` would wait for the client to collect its close packet, which a polling
        client that never polls again does not do, and leaves a WebSocket open until its peer
        closes it; here the socket's writer is told to stop, which closes a WebSocket at once.
        """
        self._stop_waiting(eio_sid)
        session = self.eio.sockets.pop(eio_sid, None)
        if session is None:
            return
        await session.close(wait=False, reason=self.reason.SERVER_DISCONNECT)
        session.queue.put_nowait(None)
