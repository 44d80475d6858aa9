"""python-socketio's own client, keeping every event it hears, for the gateway's tests."""

from __future__ import annotations

import asyncio
from typing import Any

import socketio

NAMESPACE = "/attendance"


class Client:
    """A python-socketio client that keeps every event it hears."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        for name in ("attendanceUpdate", "exception", "connect_error"):
            self.sio.on(name, self._keeper(name), namespace=NAMESPACE)

    def _keeper(self, name: str) -> Any:
        async def keep(data: Any = None) -> None:
            await self.events.put((name, data))

        return keep

    async def connect(self, base_url: str, auth: dict[str, str] | None = None) -> None:
        await self.sio.connect(base_url, namespaces=[NAMESPACE], auth=auth, wait_timeout=5)

    async def call(self, event: str, data: dict[str, Any]) -> Any:
        return await self.sio.call(event, data, namespace=NAMESPACE, timeout=5)

    async def next(self) -> tuple[str, Any]:
        return await asyncio.wait_for(self.events.get(), 5)

    async def nothing_more(self, seconds: float = 0.3) -> None:
        await asyncio.sleep(seconds)
        assert self.events.empty(), self.events.get_nowait()
