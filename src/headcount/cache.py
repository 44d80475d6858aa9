"""The attendance cache of SPEC §6: Redis when configured, in-process otherwise.

Keys are `attendance_{classId}_{studentId}_{YYYY-MM-DD}`; each class also keeps an index of
its keys, so invalidating a class touches only that class's keys (never `KEYS *`). Every
backend failure surfaces as one of the CacheError kinds below; callers decide what an outage
means (reads fall back to the database, writes are already in it).
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

import orjson
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

KEY = re.compile(
    r"^attendance_(?P<class_id>[0-9a-f-]{36})_(?P<student_id>[0-9a-f-]{36})_(?P<day>\d{4}-\d{2}-\d{2})$"
)
INDEX_TTL = 86400  # the longest TTL a key may have


class CacheError(Exception):
    """Base of every cache failure."""


class CacheConnectionError(CacheError):
    pass


class CacheReadError(CacheError):
    pass


class CacheWriteError(CacheError):
    pass


class CacheInvalidationError(CacheError):
    pass


@dataclass(frozen=True, slots=True)
class CacheKey:
    class_id: uuid.UUID
    student_id: uuid.UUID
    day: date

    def __str__(self) -> str:
        return f"attendance_{self.class_id}_{self.student_id}_{self.day.isoformat()}"

    @classmethod
    def parse(cls, raw: str) -> CacheKey | None:
        match = KEY.match(raw)
        if match is None:
            return None
        try:
            return cls(
                uuid.UUID(match["class_id"]),
                uuid.UUID(match["student_id"]),
                date.fromisoformat(match["day"]),
            )
        except ValueError:
            return None


KEY_INDEX_PREFIX = "attendance_index_"


def _index(class_id: uuid.UUID) -> str:
    return f"{KEY_INDEX_PREFIX}{class_id}"


class Cache(Protocol):
    async def put(self, key: CacheKey, value: dict[str, Any], ttl: int) -> None: ...

    async def get(self, key: CacheKey) -> dict[str, Any] | None: ...

    async def keys(self, class_id: uuid.UUID) -> list[str]:
        """The live keys of a class."""

    async def invalidate(self, class_id: uuid.UUID, student_id: uuid.UUID | None) -> int:
        """Delete a class's keys (or one student's of them); how many existed."""

    async def ping(self) -> None: ...

    async def close(self) -> None: ...


class MemoryCache:
    def __init__(self) -> None:
        self._values: dict[str, tuple[float, bytes]] = {}
        self._by_class: dict[uuid.UUID, set[str]] = {}

    def _alive(self, key: str) -> bytes | None:
        entry = self._values.get(key)
        if entry is None:
            return None
        expires, raw = entry
        if expires <= time.monotonic():
            del self._values[key]
            return None
        return raw

    async def put(self, key: CacheKey, value: dict[str, Any], ttl: int) -> None:
        name = str(key)
        self._values[name] = (time.monotonic() + ttl, orjson.dumps(value))
        self._by_class.setdefault(key.class_id, set()).add(name)

    async def get(self, key: CacheKey) -> dict[str, Any] | None:
        raw = self._alive(str(key))
        return None if raw is None else dict(orjson.loads(raw))

    async def keys(self, class_id: uuid.UUID) -> list[str]:
        names = self._by_class.get(class_id, set())
        names.intersection_update(name for name in tuple(names) if self._alive(name) is not None)
        return sorted(names)

    async def invalidate(self, class_id: uuid.UUID, student_id: uuid.UUID | None) -> int:
        prefix = f"attendance_{class_id}_{student_id or ''}"
        doomed = [name for name in await self.keys(class_id) if name.startswith(prefix)]
        for name in doomed:
            del self._values[name]
            self._by_class[class_id].discard(name)
        return len(doomed)

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._values.clear()
        self._by_class.clear()


def _text(name: bytes | str) -> str:
    return name.decode() if isinstance(name, bytes) else name


def _failure(error: RedisError | OSError, kind: type[CacheError]) -> CacheError:
    if isinstance(error, RedisConnectionError | RedisTimeoutError | OSError):
        return CacheConnectionError(str(error))
    return kind(str(error))


class RedisCache:
    def __init__(self, url: str) -> None:
        self.redis = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)

    async def put(self, key: CacheKey, value: dict[str, Any], ttl: int) -> None:
        name, index = str(key), _index(key.class_id)
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.set(name, orjson.dumps(value), ex=ttl)
                pipe.sadd(index, name)
                pipe.expire(index, INDEX_TTL)
                await pipe.execute()
        except (RedisError, OSError) as exc:
            raise _failure(exc, CacheWriteError) from exc

    async def get(self, key: CacheKey) -> dict[str, Any] | None:
        try:
            raw = await self.redis.get(str(key))
        except (RedisError, OSError) as exc:
            raise _failure(exc, CacheReadError) from exc
        return None if raw is None else dict(orjson.loads(raw))

    async def keys(self, class_id: uuid.UUID) -> list[str]:
        try:
            names = sorted(_text(name) for name in await self.redis.smembers(_index(class_id)))
            async with self.redis.pipeline(transaction=False) as pipe:
                for name in names:
                    pipe.exists(name)
                alive = await pipe.execute()
        except (RedisError, OSError) as exc:
            raise _failure(exc, CacheReadError) from exc
        return [name for name, exists in zip(names, alive, strict=True) if exists]

    async def invalidate(self, class_id: uuid.UUID, student_id: uuid.UUID | None) -> int:
        prefix = f"attendance_{class_id}_{student_id or ''}"
        index = _index(class_id)
        try:
            members = [_text(name) for name in await self.redis.smembers(index)]
            doomed = [name for name in members if name.startswith(prefix)]
            if not doomed:
                return 0
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.delete(*doomed)
                pipe.srem(index, *doomed)
                deleted, _ = await pipe.execute()
            return int(deleted)
        except (RedisError, OSError) as exc:
            raise _failure(exc, CacheInvalidationError) from exc

    async def ping(self) -> None:
        try:
            await self.redis.ping()
        except (RedisError, OSError) as exc:
            raise _failure(exc, CacheReadError) from exc

    async def close(self) -> None:
        await self.redis.aclose()
