"""A response's head and body in one send.

uvicorn writes a response's head the moment the app starts it and its body when the app sends
it: two system calls and two TCP segments for every small JSON answer, which the profile of
GET /auth/me put at a fifth of the request's time. A response written through `OneSend` holds
its head until the first write of its body and sends both with one `writelines` (one `writev`).
A head whose body does not follow within the same turn of the event loop goes out alone at the
end of that turn, so a slow body never holds its head back.
"""

from __future__ import annotations

import asyncio


class OneSend:
    """The transport one request's answer is written through (uvicorn's cycle uses `write`,
    `close` and `is_closing`)."""

    __slots__ = ("_fresh", "_held", "_loop", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None
        self._fresh = True

    def write(self, data: bytes) -> None:
        if self._held is not None:
            held, self._held = self._held, None
            self._transport.writelines((held, data))
        elif self._fresh:
            self._fresh = False
            self._held = data
            self._loop.call_soon(self._flush)
        else:
            self._transport.write(data)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def _flush(self) -> None:
        if self._held is not None:
            held, self._held = self._held, None
            if not self._transport.is_closing():
                self._transport.write(held)
