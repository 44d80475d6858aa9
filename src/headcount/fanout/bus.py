"""The bus carries events between processes; each process's hub delivers them locally.

Shaped like python-socketio's `AsyncPubSubManager` and `AsyncRedisManager`: this base class
owns what every backend shares (the channels this process listens to, the wire encoding, and
dropping what this process itself published), and a backend fills in four small hooks. The
in-memory bus therefore runs the same bytes through the same code as Redis does.

A process listens to the channel of each class that one of its connections hears, plus one
control channel for audience and access changes, so it never receives traffic it has nobody
to deliver to (docs/deploy.md). Delivery between processes is at most once: the database
holds the truth, and a client that may have missed something asks for `SESSION_STATE`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import structlog

from headcount import metrics
from headcount.domain.events import Event
from headcount.fanout import wire

log = structlog.get_logger(__name__)
CONTROL = "control"
Deliver = Callable[[Event], None]


class Bus:
    def __init__(self) -> None:
        # Every message starts with its publisher's id, so a process skips its own unread.
        self.origin = uuid.uuid4().hex.encode() + b" "
        self.channels: set[str] = {CONTROL}
        self._deliver: Deliver | None = None

    async def start(self, deliver: Deliver) -> None:
        self._deliver = deliver
        await self._started()

    def publish(self, channel: str, event: Event) -> None:
        """Send to every other process that listens to `channel`, without waiting."""
        self._publish(channel, self.origin + wire.encode(event))

    def listen(self, channel: str) -> None:
        if channel not in self.channels:
            self.channels.add(channel)
            self._subscribe(channel)

    def unlisten(self, channel: str) -> None:
        if channel in self.channels:
            self.channels.discard(channel)
            self._unsubscribe(channel)

    def received(self, data: bytes) -> None:
        """What a backend hands over from its channels."""
        own = data.startswith(self.origin)
        metrics.BUS_MESSAGES.labels("own" if own else "other").inc()
        if own or self._deliver is None:
            return
        try:
            event = wire.decode(data.partition(b" ")[2])
        except wire.WireError as exc:
            log.warning("dropped a bus message that is not an event", error=str(exc))
            return
        self._deliver(event)

    @property
    def ready(self) -> bool:
        """Whether messages from other processes can arrive now."""
        return True

    async def drain(self, seconds: float = 5.0) -> None:
        """Wait (up to `seconds`) until what was published has left this process: a short-
        lived command publishes, then closes."""

    async def close(self) -> None:
        self._deliver = None
        await self._closed()

    # The backend's hooks.
    async def _started(self) -> None:
        pass

    def _publish(self, channel: str, data: bytes) -> None:
        raise NotImplementedError

    def _subscribe(self, channel: str) -> None:
        pass

    def _unsubscribe(self, channel: str) -> None:
        pass

    async def _closed(self) -> None:
        pass


class MemoryBroker:
    """Channels inside one process: what a single-process deployment (and tests) use."""

    def __init__(self) -> None:
        self.subscribers: dict[str, dict[MemoryBus, None]] = {}


class MemoryBus(Bus):
    def __init__(self, broker: MemoryBroker | None = None) -> None:
        super().__init__()
        self.broker = broker or MemoryBroker()

    async def _started(self) -> None:
        for channel in self.channels:
            self._subscribe(channel)

    def _publish(self, channel: str, data: bytes) -> None:
        for bus in tuple(self.broker.subscribers.get(channel, ())):
            bus.received(data)

    def _subscribe(self, channel: str) -> None:
        self.broker.subscribers.setdefault(channel, {})[self] = None

    def _unsubscribe(self, channel: str) -> None:
        subscribers = self.broker.subscribers.get(channel, {})
        subscribers.pop(self, None)
        if not subscribers:
            self.broker.subscribers.pop(channel, None)

    async def _closed(self) -> None:
        for channel in tuple(self.broker.subscribers):
            self._unsubscribe(channel)
