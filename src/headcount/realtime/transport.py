"""uvicorn's WebSocket protocol, plus a write path that fan-out can use without awaiting, and
sockets that live on without a task.

An ASGI `send` per recipient costs an await and a task switch per socket; at 1,000 to 5,000
sockets that made a broadcast 3 to 4 times slower than Node (docs/decisions.md). Here a
broadcast writes one pre-encoded frame straight into each transport. A reader that falls
behind is not waited for: past `BACKLOG_LIMIT` buffered bytes, or paused for `STALL_SECONDS`,
it is dropped.

An ASGI app keeps a task (and its queue, and the handshake it was given) for as long as its
socket is open, which made an idle socket cost 22 KiB. Once the app has accepted, it may
`detach` the socket instead: from then on each message goes to an `Owner`'s callback, the
app's task ends, and the transport moves on to a `Detached` (detached.py), which keeps only
the `websockets` parser and what an idle socket needs.
"""

from __future__ import annotations

import asyncio
from asyncio import TimerHandle
from collections.abc import Callable, Coroutine
from typing import Any, cast

from uvicorn._types import ASGIReceiveEvent
from uvicorn.config import Config
from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import ServerState
from websockets.http11 import Request

from headcount.realtime import sockets
from headcount.realtime.detached import Detached, Server, server_of
from headcount.realtime.sockets import GOING_AWAY, Owner

EXTENSION = "headcount.socket"


class _Discard:
    """Stands in for uvicorn's receive queue once no app task reads it."""

    def put_nowait(self, _: ASGIReceiveEvent) -> None:
        pass

    def empty(self) -> bool:
        return True


_DISCARD = _Discard()


def _nothing() -> None:
    pass


class FanoutProtocol(WebSocketsSansIOProtocol):
    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._server: Server = server_of(server_state, self.loop, self.ping_interval)
        self._stall_timer: TimerHandle | None = None
        self._owner: Owner | None = None
        # Called once the connection is gone: the HTTP protocol that upgraded it hands over
        # its connection slot (http/guard.py) here.
        self.release: Callable[[], None] = _nothing

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        if not self.close_sent:
            extensions = cast(dict[str, Any], self.scope["extensions"])
            extensions[EXTENSION] = self

    def push(self, frame: bytes) -> None:
        """Queue one complete, unmasked frame for this peer, or drop a peer that cannot keep up."""
        if self.handshake_complete and not self.close_sent and not self.transport.is_closing():
            sockets.push(self.transport, frame)

    def hold_reading(self, hold: bool) -> None:
        """An owner with a backlog of messages to handle stops reading more for a while."""
        self.read_paused = sockets.hold_reading(self.transport, self.read_paused, hold)

    def spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """A task for this socket's work that a graceful shutdown waits for, as for an app's."""
        return sockets.spawn(self.loop, self.tasks, work)

    def detach(self, owner: Owner) -> None:
        """Hand an accepted socket over to `owner`; the app's task may then return.

        What only the handshake and the task needed is let go: the request's headers and path
        (the `websockets` parser keeps the request itself for the socket's life, and the path
        holds the token), the response, the scope, and the receive queue (any message already
        in it goes to `owner`). An open socket moves on to a `Detached`; one already closing
        stays here until it is closed.
        """
        queued, self.queue = self.queue, _DISCARD  # type: ignore[assignment]
        self.request.headers.clear()
        self.request.path = ""
        self.request = self.response = None  # type: ignore[assignment]
        del self.scope
        if self.disconnected:
            owner.closed(sockets.close_code(self.conn))
            return
        self._owner = owner
        if not self.close_sent and self.close_timer is None:
            owner.socket = self._hand_over(owner)
        owner.socket.hold_reading(False)
        while not queued.empty():
            message = queued.get_nowait()
            if message["type"] == "websocket.receive":
                text = message.get("text")
                owner.received(text if text is not None else message.get("bytes") or b"")

    def _hand_over(self, owner: Owner) -> Detached:
        """The transport, its parser and its place among the server's connections, moved to
        a `Detached` that serves `owner` from now on."""
        self.stop_keepalive()
        self._cancel_stall_timer()
        detached = Detached(
            self.transport, self.conn, owner, self.release, self._server, self.read_paused
        )
        if not self.writable.is_set():
            detached.pause_writing()
        self._server.connections.discard(self)
        self._server.connections.add(detached)  # what uvicorn's shutdown closes and waits for
        self.transport.set_protocol(detached)
        return detached

    async def run_asgi(self) -> None:
        """uvicorn's, except that a socket the app detached stays open when the app returns."""
        try:
            await self.app(self.scope, self.receive, self.send)
        except ClientDisconnected:
            pass
        except BaseException:
            self.logger.exception("Exception in ASGI application\n")
            self.send_500_response()
        else:
            if not self.handshake_complete:
                self.logger.error("ASGI callable returned without completing handshake.")
                self.send_500_response()
        if self._owner is None and self.close_timer is None and not self.disconnected:
            self.transport.close()

    def send_receive_event_to_app(self) -> None:
        if self._owner is None:
            super().send_receive_event_to_app()
            return
        data = self.frames[0] if len(self.frames) == 1 else b"".join(self.frames)
        self.frames = []
        if self.close_sent:
            return
        received = sockets.message(self.conn, data, self.curr_msg_data_type == "text")
        if received is None:
            self.handle_parser_exception()
        else:
            self._owner.received(received)

    def end(self, code: int) -> None:
        """Close with `code` now (sockets.end)."""
        if not self.handshake_complete or self.close_sent or self.transport.is_closing():
            return
        self.stop_keepalive()
        self.close_sent = True
        sockets.end(self.conn, self.transport, code)

    def shutdown(self) -> None:
        """Server stopping: open sockets close with 1001 (going away), not uvicorn's 1012."""
        if not self.handshake_complete or self.close_sent:
            super().shutdown()
            return
        self.queue.put_nowait({"type": "websocket.disconnect", "code": GOING_AWAY})
        self.end(GOING_AWAY)

    def pause_writing(self) -> None:
        super().pause_writing()
        if self._stall_timer is None:
            self._stall_timer = sockets.watch_stall(self.loop, self.transport)

    def resume_writing(self) -> None:
        super().resume_writing()
        self._cancel_stall_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_stall_timer()
        super().connection_lost(exc)
        owner, self._owner = self._owner, None
        if owner is not None:
            owner.closed(sockets.close_code(self.conn))
        self.release()

    def _cancel_stall_timer(self) -> None:
        if self._stall_timer is not None:
            self._stall_timer.cancel()
            self._stall_timer = None
