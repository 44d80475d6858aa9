"""Who is connected here, and who hears which class.

Each process keeps `user id -> open connections` and a cached audience per class (its teacher
and enrolled students). A broadcast is encoded into one frame and written into each recipient's
transport without awaiting it, so no socket can hold up another (ARCHITECTURE, pitfall 6).
"""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Protocol

from headcount.domain.events import EnrollmentChanged, Event
from headcount.realtime.bus import Bus, BusMessage
from headcount.realtime.protocol import broadcast_text, frame

AudienceLoader = Callable[[uuid.UUID], Awaitable[frozenset[uuid.UUID]]]


class Peer(Protocol):
    """One open connection, from the hub's side."""

    @property
    def user_id(self) -> uuid.UUID: ...

    def push(self, data: bytes) -> None: ...


class Hub:
    def __init__(self, bus: Bus, load_audience: AudienceLoader) -> None:
        self.bus = bus
        self._load_audience = load_audience
        self._peers: defaultdict[uuid.UUID, set[Peer]] = defaultdict(set)
        self._audiences: dict[uuid.UUID, frozenset[uuid.UUID]] = {}
        # Deliveries happen one at a time so broadcasts of a class arrive in the order sent.
        self._delivering = asyncio.Lock()

    async def start(self) -> None:
        await self.bus.start(self._deliver)

    async def close(self) -> None:
        await self.bus.close()

    def attach(self, peer: Peer) -> None:
        self._peers[peer.user_id].add(peer)

    def detach(self, peer: Peer) -> None:
        peers = self._peers.get(peer.user_id)
        if peers is not None:
            peers.discard(peer)
            if not peers:
                del self._peers[peer.user_id]

    @property
    def connection_count(self) -> int:
        return sum(len(peers) for peers in self._peers.values())

    async def publish(self, event: Event) -> None:
        """The domain's event sink: every process, this one included, hears it via the bus."""
        text = broadcast_text(event)
        if text is None and not isinstance(event, EnrollmentChanged):
            return
        await self.bus.publish(BusMessage(str(event.class_id), text))

    async def _deliver(self, message: BusMessage) -> None:
        class_id = uuid.UUID(message.class_id)
        async with self._delivering:
            if message.text is None:
                self._audiences.pop(class_id, None)
                return
            audience = self._audiences.get(class_id)
            if audience is None:
                audience = self._audiences[class_id] = await self._load_audience(class_id)
            data = frame(message.text)
            for user_id in audience:
                for peer in self._peers.get(user_id, ()):
                    peer.push(data)
