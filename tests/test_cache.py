"""Both caches behind one interface: the same behaviour in memory and on Redis."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import date

import pytest

from headcount.cache import (
    Cache,
    CacheConnectionError,
    CacheError,
    CacheKey,
    MemoryCache,
    RedisCache,
)
from tests.conftest import require
from tests.support.backends import REDIS_URL

DAY = date(2026, 3, 11)


@pytest.fixture(params=["memory", "redis"])
async def cache(request: pytest.FixtureRequest) -> AsyncIterator[Cache]:
    if request.param == "redis":
        require("redis")
    backend: Cache = MemoryCache() if request.param == "memory" else RedisCache(REDIS_URL)
    yield backend
    await backend.close()


def key(class_id: uuid.UUID | None = None, student_id: uuid.UUID | None = None) -> CacheKey:
    return CacheKey(class_id or uuid.uuid4(), student_id or uuid.uuid4(), DAY)


def test_key_format_and_parsing() -> None:
    original = key()
    text = str(original)
    assert text == f"attendance_{original.class_id}_{original.student_id}_2026-03-11"
    assert CacheKey.parse(text) == original
    for bad in (
        "",
        "attendance_x_y_2026-03-11",
        text + "x",
        text.replace("2026-03-11", "2026-13-40"),
    ):
        assert CacheKey.parse(bad) is None


async def test_put_get_and_expiry(cache: Cache) -> None:
    entry = key()
    value = {"status": "present", "timestamp": "2026-03-11T10:00:00.000Z"}
    await cache.put(entry, value, ttl=1)
    assert await cache.get(entry) == value
    assert await cache.keys(entry.class_id) == [str(entry)]
    await asyncio.sleep(1.2)
    assert await cache.get(entry) is None
    assert await cache.keys(entry.class_id) == []


async def test_invalidation_touches_only_its_class_or_student(cache: Cache) -> None:
    class_id, other_class = uuid.uuid4(), uuid.uuid4()
    first, second = key(class_id), key(class_id)
    elsewhere = key(other_class)
    for entry in (first, second, elsewhere):
        await cache.put(entry, {"status": "late"}, ttl=60)
    assert await cache.invalidate(class_id, first.student_id) == 1
    assert await cache.get(first) is None and await cache.get(second) is not None
    assert await cache.invalidate(class_id, None) == 1
    assert await cache.keys(class_id) == []
    assert await cache.get(elsewhere) == {"status": "late"}


async def test_redis_down_is_a_connection_error() -> None:
    unreachable = RedisCache("redis://127.0.0.1:1/0")
    with pytest.raises(CacheConnectionError):
        await unreachable.get(key())
    with pytest.raises(CacheError):
        await unreachable.put(key(), {"status": "present"}, ttl=60)
    await unreachable.close()
