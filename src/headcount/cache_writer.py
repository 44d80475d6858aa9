"""Cache writes behind the mark's back: a mark is acknowledged once it is committed, not once
Redis has answered (the bus works the same way).

One writer task per process sends the entries in the order they were written, coalescing
repeated writes of one key into the newest. Until an entry reaches the cache, reads in this
process are answered from here, so a client never reads its own mark as missing. The cache is
never the only copy: an entry that cannot be written is simply not cached.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from headcount.cache import Cache, CacheError, CacheKey
from headcount.outage import Outage

PENDING_LIMIT = 10_000
FLUSH_SECONDS = 2.0


class CacheWriter:
    def __init__(self, cache: Cache, outage: Outage) -> None:
        self.cache = cache
        self.outage = outage
        self._pending: dict[str, tuple[CacheKey, dict[str, Any], int]] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def put_soon(self, key: CacheKey, value: dict[str, Any], ttl: int) -> None:
        name = str(key)
        if name not in self._pending and len(self._pending) >= PENDING_LIMIT:
            self.outage.begun(CacheError("cache writes are behind"))
            return
        self._pending.pop(name, None)  # the newest write goes to the back of the line
        self._pending[name] = (key, value, ttl)
        self._wake.set()
        if self._task is None:
            self._task = asyncio.create_task(self._write_forever())

    def pending(self, key: CacheKey) -> dict[str, Any] | None:
        entry = self._pending.get(str(key))
        return None if entry is None else entry[1]

    async def _write_forever(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await self._drain()

    async def _drain(self) -> None:
        while self._pending:
            name, entry = next(iter(self._pending.items()))
            key, value, ttl = entry
            try:
                await self.cache.put(key, value, ttl)
                self.outage.over()
            except CacheError as exc:
                self.outage.begun(exc)
            if self._pending.get(name) is entry:
                del self._pending[name]

    async def close(self) -> None:
        """Send what is still waiting (for a moment at most), then stop."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(FLUSH_SECONDS):
                await self._drain()
