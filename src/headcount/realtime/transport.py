"""uvicorn's WebSocket protocol, plus a write path that fan-out can use without awaiting.

An ASGI `send` per recipient costs an await and a task switch per socket; at 1,000 to 5,000
sockets that made a broadcast 3 to 4 times slower than Node (docs/decisions.md). Here a
broadcast writes one pre-encoded frame straight into each transport. A reader that falls
behind is not waited for: past `BACKLOG_LIMIT` buffered bytes, or paused for `STALL_SECONDS`,
it is dropped.
"""

from __future__ import annotations

from asyncio import TimerHandle
from typing import Any, cast

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.http11 import Request

EXTENSION = "headcount.push"
BACKLOG_LIMIT = 1024 * 1024
STALL_SECONDS = 10.0
GOING_AWAY = 1001


class FanoutProtocol(WebSocketsSansIOProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stall_timer: TimerHandle | None = None

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        if not self.close_sent:
            extensions = cast(dict[str, Any], self.scope["extensions"])
            extensions[EXTENSION] = self.push

    def push(self, data: bytes) -> None:
        """Queue one complete, unmasked frame for this peer, or drop a peer that cannot keep up."""
        if not self.handshake_complete or self.close_sent or self.transport.is_closing():
            return
        if self.transport.get_write_buffer_size() > BACKLOG_LIMIT:
            self.logger.warning("dropping a WebSocket peer whose backlog overflowed")
            self.transport.abort()
            return
        self.transport.write(data)

    def shutdown(self) -> None:
        """Server stopping: open sockets close with 1001 (going away), not uvicorn's 1012."""
        if not self.handshake_complete or self.close_sent:
            super().shutdown()
            return
        self.stop_keepalive()
        self.queue.put_nowait({"type": "websocket.disconnect", "code": GOING_AWAY})
        self.conn.send_close(GOING_AWAY)
        self.transport.write(b"".join(self.conn.data_to_send()))
        self.close_sent = True
        self.transport.close()

    def pause_writing(self) -> None:
        super().pause_writing()
        if self._stall_timer is None:
            self._stall_timer = self.loop.call_later(STALL_SECONDS, self._drop_stalled)

    def resume_writing(self) -> None:
        super().resume_writing()
        self._cancel_stall_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_stall_timer()
        super().connection_lost(exc)

    def _drop_stalled(self) -> None:
        self._stall_timer = None
        self.logger.warning("dropping a WebSocket peer that stopped reading")
        self.transport.abort()

    def _cancel_stall_timer(self) -> None:
        if self._stall_timer is not None:
            self._stall_timer.cancel()
            self._stall_timer = None
