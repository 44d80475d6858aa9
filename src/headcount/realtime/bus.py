"""The bus carries broadcasts between processes; each process's hub delivers them locally.

Shaped like python-socketio's pub/sub managers: the hub owns fan-out, a bus only publishes to
the other processes and hands back what it hears from them. A process listens to the channel
of each class that one of its connections hears, plus one control channel for audience
changes, so it never receives traffic it has nobody to deliver to (docs/deploy.md).

Delivery between processes is at most once (Redis pub/sub): the database holds the truth, and
a client that may have missed something asks for `SESSION_STATE`.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import defaultdict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Protocol

import orjson
import structlog
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from headcount import metrics
from headcount.outage import Outage

log = structlog.get_logger(__name__)
CONTROL = "control"
OUTBOX_LIMIT = 10_000
STALE_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class BusMessage:
    """Either a class's broadcast, already encoded as the text every listener receives, or the
    news that `joined_user` now hears `class_id` (a class created, a student enrolled)."""

    class_id: str
    text: str | None = None
    joined_user: str | None = None

    @property
    def channel(self) -> str:
        return CONTROL if self.joined_user is not None else self.class_id

    def encode(self, origin: str) -> bytes:
        return orjson.dumps(
            {"o": origin, "c": self.class_id, "t": self.text, "u": self.joined_user}
        )

    @classmethod
    def decode(cls, raw: bytes) -> tuple[str, BusMessage]:
        body = orjson.loads(raw)
        return body["o"], cls(body["c"], body["t"], body["u"])


Deliver = Callable[[BusMessage], None]


class Bus(Protocol):
    async def start(self, deliver: Deliver) -> None: ...

    async def publish(self, message: BusMessage) -> None:
        """Send to every other process that listens (never back to this one)."""

    def listen(self, class_id: str) -> None:
        """This process now has someone who hears `class_id`."""

    def unlisten(self, class_id: str) -> None: ...

    async def close(self) -> None: ...


class MemoryBroker:
    """Channels inside one process: what a single-process deployment (and the tests) use."""

    def __init__(self) -> None:
        self.listeners: defaultdict[str, set[MemoryBus]] = defaultdict(set)


class MemoryBus:
    def __init__(self, broker: MemoryBroker | None = None) -> None:
        self.broker = broker or MemoryBroker()
        self._deliver: Deliver | None = None

    async def start(self, deliver: Deliver) -> None:
        self._deliver = deliver
        self.listen(CONTROL)

    async def publish(self, message: BusMessage) -> None:
        for bus in tuple(self.broker.listeners.get(message.channel, ())):
            if bus is not self and bus._deliver is not None:
                bus._deliver(message)

    def listen(self, class_id: str) -> None:
        self.broker.listeners[class_id].add(self)

    def unlisten(self, class_id: str) -> None:
        self.broker.listeners[class_id].discard(self)

    async def close(self) -> None:
        for listeners in self.broker.listeners.values():
            listeners.discard(self)
        self._deliver = None


class RedisBus:
    """Redis pub/sub: one subscriber connection per process, reconnecting with backoff."""

    def __init__(self, url: str, prefix: str = "headcount:bus:") -> None:
        self.redis = Redis.from_url(url, socket_connect_timeout=2, health_check_interval=10)
        self.prefix = prefix
        self.origin = uuid.uuid4().hex
        self.outage = Outage("redis bus")
        self._wanted: set[str] = {CONTROL}
        self._deliver: Deliver | None = None
        self._pubsub: PubSub | None = None
        self._outbox: asyncio.Queue[tuple[float, str, BusMessage]] = asyncio.Queue(OUTBOX_LIMIT)
        self._tasks: set[asyncio.Task[None]] = set()
        self.connected = asyncio.Event()

    def _channel(self, name: str) -> str:
        return self.prefix + name

    async def start(self, deliver: Deliver) -> None:
        self._deliver = deliver
        self._spawn(self._subscribe_forever())
        self._spawn(self._send_forever())

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def publish(self, message: BusMessage) -> None:
        """Queue for the sender task, so a slow or absent Redis never holds up a mark."""
        item = (asyncio.get_running_loop().time(), self._channel(message.channel), message)
        try:
            self._outbox.put_nowait(item)
        except asyncio.QueueFull:
            self.outage.begun(RuntimeError("bus outbox full"))

    def listen(self, class_id: str) -> None:
        if class_id not in self._wanted:
            self._wanted.add(class_id)
            self._change("subscribe", class_id)

    def unlisten(self, class_id: str) -> None:
        if class_id in self._wanted:
            self._wanted.discard(class_id)
            self._change("unsubscribe", class_id)

    def _change(self, command: str, class_id: str) -> None:
        pubsub = self._pubsub
        if pubsub is not None:
            self._spawn(self._apply(pubsub, command, self._channel(class_id)))

    async def _apply(self, pubsub: PubSub, command: str, channel: str) -> None:
        try:
            await getattr(pubsub, command)(channel)
        except (RedisError, OSError) as exc:
            # The subscriber loop reconnects and subscribes to everything wanted then.
            self.outage.begun(exc)

    async def _subscribe_forever(self) -> None:
        delay = 0.1
        while True:
            pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(*(self._channel(name) for name in self._wanted))
                self._pubsub = pubsub
                if self.outage.active:
                    metrics.BUS_RECONNECTS.inc()
                self.outage.over()
                self.connected.set()
                delay = 0.1
                async for raw in pubsub.listen():
                    self._receive(raw)
            except (RedisError, OSError) as exc:
                self.outage.begun(exc)
            finally:
                self._pubsub = None
                self.connected.clear()
                await _quietly_close(pubsub)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

    def _receive(self, raw: dict[str, object]) -> None:
        data = raw.get("data")
        if raw.get("type") != "message" or not isinstance(data, bytes):
            return
        origin, message = BusMessage.decode(data)
        if origin != self.origin and self._deliver is not None:
            self._deliver(message)

    async def _send_forever(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            queued_at, channel, message = await self._outbox.get()
            if loop.time() - queued_at > STALE_SECONDS:
                continue  # at most once: a broadcast this late would only confuse
            try:
                await self.redis.publish(channel, message.encode(self.origin))
                self.outage.over()
            except (RedisError, OSError) as exc:
                self.outage.begun(exc)

    async def close(self) -> None:
        for task in tuple(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.redis.aclose()


async def _quietly_close(pubsub: PubSub) -> None:
    with contextlib.suppress(RedisError, OSError):
        await pubsub.aclose()  # type: ignore[no-untyped-call]
