"""Who is connected to this process, and which classes each of them hears.

A connection hears the classes its user teaches or is enrolled in: loaded once when it
connects, before the handshake completes, and extended when the domain announces that a user
joined a class. A broadcast is encoded into one frame and written into each local listener's
transport without awaiting it, so no socket can hold up another (ARCHITECTURE, pitfall 6).
The publishing process delivers to its own connections directly; the bus carries the message
to the others, so a bus outage never silences a process's own sockets.
"""

from __future__ import annotations

import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Protocol

from headcount import metrics
from headcount.domain.events import AudienceJoined, Event
from headcount.realtime.bus import Bus, BusMessage
from headcount.realtime.protocol import broadcast_text, frame
from headcount.security import Principal

# The classes a user hears, or None when the account no longer exists.
ClassLoader = Callable[[Principal], Awaitable[set[uuid.UUID] | None]]


class Broadcast:
    """One class broadcast: its text, and the WebSocket frame made from it at most once."""

    __slots__ = ("_frame", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._frame: bytes | None = None

    @property
    def frame(self) -> bytes:
        if self._frame is None:
            self._frame = frame(self.text)
        return self._frame


class Listener(Protocol):
    """Anything that hears classes: a /ws connection, or a Socket.IO room."""

    def deliver(self, broadcast: Broadcast) -> None: ...


class Peer(Listener, Protocol):
    """A connection of a user, who hears every class they teach or are enrolled in."""

    @property
    def principal(self) -> Principal: ...


class Hub:
    def __init__(self, bus: Bus, classes_of: ClassLoader) -> None:
        self.bus = bus
        self._classes_of = classes_of
        self._by_user: defaultdict[uuid.UUID, set[Peer]] = defaultdict(set)
        self._hears: dict[Listener, set[str]] = {}
        self._listeners: dict[str, set[Listener]] = {}

    async def start(self) -> None:
        await self.bus.start(self._apply)

    async def close(self) -> None:
        await self.bus.close()

    async def attach(self, peer: Peer) -> bool:
        """Register a connection with the classes its user hears; False for an account that
        no longer exists. Registers first, so audience news that arrives while the classes
        load still counts."""
        self._by_user[peer.principal.user_id].add(peer)
        self._hears[peer] = set()
        try:
            class_ids = await self._classes_of(peer.principal)
        except BaseException:
            self.detach(peer)
            raise
        if class_ids is None:
            self.detach(peer)
            return False
        if peer in self._hears:
            for class_id in class_ids:
                self.join(peer, str(class_id))
        return True

    def detach(self, peer: Peer) -> None:
        peers = self._by_user.get(peer.principal.user_id)
        if peers is not None:
            peers.discard(peer)
            if not peers:
                del self._by_user[peer.principal.user_id]
        for class_id in self._hears.pop(peer, set()).copy():
            self.leave(peer, class_id)

    def join(self, listener: Listener, class_id: str) -> None:
        self._hears.setdefault(listener, set()).add(class_id)
        listeners = self._listeners.get(class_id)
        if listeners is None:
            self._listeners[class_id] = {listener}
            self.bus.listen(class_id)
        else:
            listeners.add(listener)

    def leave(self, listener: Listener, class_id: str) -> None:
        self._hears.get(listener, set()).discard(class_id)
        listeners = self._listeners.get(class_id)
        if listeners is None:
            return
        listeners.discard(listener)
        if not listeners:
            del self._listeners[class_id]
            self.bus.unlisten(class_id)

    async def publish(self, event: Event) -> None:
        """The domain's event sink: deliver here, then tell the other processes."""
        if isinstance(event, AudienceJoined):
            message = BusMessage(str(event.class_id), joined_user=str(event.user_id))
        else:
            message = BusMessage(str(event.class_id), text=broadcast_text(event))
        self._apply(message)
        await self.bus.publish(message)

    def _apply(self, message: BusMessage) -> None:
        if message.joined_user is not None:
            for peer in tuple(self._by_user.get(uuid.UUID(message.joined_user), ())):
                self.join(peer, message.class_id)
        elif message.text is not None:
            started = time.perf_counter()
            broadcast = Broadcast(message.text)
            for listener in self._listeners.get(message.class_id, ()):
                listener.deliver(broadcast)
            metrics.FANOUT_SECONDS.observe(time.perf_counter() - started)
