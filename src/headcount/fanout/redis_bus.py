"""The bus on Redis pub/sub: one subscriber connection per process, reconnecting with backoff,
and one sender task so that a slow or absent Redis never holds up a mark."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from headcount import metrics
from headcount.fanout.bus import Bus
from headcount.outage import Outage

OUTBOX_LIMIT = 10_000
STALE_SECONDS = 5.0
# Reconnect quickly: messages other processes publish while this one is not subscribed are
# lost to it (at most once), so the gap after a Redis restart should be short.
RETRY_FIRST, RETRY_MAX = 0.05, 1.0


class RedisBus(Bus):
    def __init__(self, url: str, prefix: str = "headcount:bus:") -> None:
        super().__init__()
        self.redis = Redis.from_url(url, socket_connect_timeout=2, health_check_interval=10)
        self.prefix = prefix
        self.outage = Outage("redis bus")
        self._pubsub: PubSub | None = None
        self._outbox: asyncio.Queue[tuple[float, str, bytes]] = asyncio.Queue(OUTBOX_LIMIT)
        self._tasks: set[asyncio.Task[None]] = set()
        self.connected = asyncio.Event()

    @property
    def ready(self) -> bool:
        return self.connected.is_set()

    def _channel(self, name: str) -> str:
        return self.prefix + name

    async def _started(self) -> None:
        self._spawn(self._subscribe_forever())
        self._spawn(self._send_forever())

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _publish(self, channel: str, data: bytes) -> None:
        item = (asyncio.get_running_loop().time(), self._channel(channel), data)
        try:
            self._outbox.put_nowait(item)
        except asyncio.QueueFull:
            metrics.BUS_DROPPED.labels("full").inc()
            self.outage.begun(RuntimeError("bus outbox full"))

    def _subscribe(self, channel: str) -> None:
        self._change("subscribe", channel)

    def _unsubscribe(self, channel: str) -> None:
        self._change("unsubscribe", channel)

    def _change(self, command: str, channel: str) -> None:
        pubsub = self._pubsub
        if pubsub is not None:
            self._spawn(self._apply(pubsub, command, self._channel(channel)))

    async def _apply(self, pubsub: PubSub, command: str, channel: str) -> None:
        try:
            await getattr(pubsub, command)(channel)
        except (RedisError, OSError) as exc:
            # The subscriber loop reconnects and subscribes to every channel wanted then.
            self.outage.begun(exc)

    async def _subscribe_forever(self) -> None:
        delay = RETRY_FIRST
        while True:
            pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(*(self._channel(name) for name in self.channels))
                self._pubsub = pubsub
                if self.outage.active:
                    metrics.BUS_RECONNECTS.inc()
                self.outage.over()
                self.connected.set()
                delay = RETRY_FIRST
                async for raw in pubsub.listen():
                    data = raw.get("data")
                    if raw.get("type") == "message" and isinstance(data, bytes):
                        self.received(data)
            except (RedisError, OSError) as exc:
                self.outage.begun(exc)
            finally:
                self._pubsub = None
                self.connected.clear()
                await _quietly_close(pubsub)
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_MAX)

    async def _send_forever(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            queued_at, channel, data = await self._outbox.get()
            try:
                await self._send(loop, queued_at, channel, data)
            finally:
                self._outbox.task_done()

    async def _send(
        self, loop: asyncio.AbstractEventLoop, queued_at: float, channel: str, data: bytes
    ) -> None:
        # After a Redis restart the pool's first connection is a dead one: retry on a new one
        # rather than lose the message, until it is too late to matter.
        while loop.time() - queued_at <= STALE_SECONDS:
            try:
                await self.redis.publish(channel, data)
            except (RedisError, OSError) as exc:
                self.outage.begun(exc)
                await asyncio.sleep(RETRY_FIRST)
            else:
                self.outage.over()
                return
        metrics.BUS_DROPPED.labels("stale").inc()

    async def drain(self, seconds: float = 5.0) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._outbox.join(), seconds)

    async def _closed(self) -> None:
        for task in tuple(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.redis.aclose()


async def _quietly_close(pubsub: PubSub) -> None:
    with contextlib.suppress(RedisError, OSError):
        await pubsub.aclose()  # type: ignore[no-untyped-call]
