"""The bus carries broadcasts to every process; each process's hub delivers them locally.

Like python-socketio's pub/sub managers: the hub owns fan-out, and a bus only has to publish
a message and hand back what it hears, in order.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class BusMessage:
    """A class's broadcast, already encoded as the WebSocket text every listener receives.

    `text` is None for a message that only says the class's audience changed.
    """

    class_id: str
    text: str | None


Deliver = Callable[[BusMessage], Awaitable[None]]


class Bus(Protocol):
    async def start(self, deliver: Deliver) -> None: ...

    async def publish(self, message: BusMessage) -> None: ...

    async def close(self) -> None: ...


class MemoryBus:
    """One process: publishing is delivering."""

    def __init__(self) -> None:
        self._deliver: Deliver | None = None

    async def start(self, deliver: Deliver) -> None:
        self._deliver = deliver

    async def publish(self, message: BusMessage) -> None:
        assert self._deliver is not None, "start() the bus before publishing"
        await self._deliver(message)

    async def close(self) -> None:
        self._deliver = None
