"""Both buses behind one interface: the same behaviour in memory and on Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack

import pytest

from headcount.realtime.bus import Bus, BusMessage, MemoryBroker, MemoryBus, RedisBus
from tests.conftest import require
from tests.support.backends import REDIS_URL

Inbox = list[BusMessage]


@pytest.fixture(params=["memory", "redis"])
async def make_bus(request: pytest.FixtureRequest) -> AsyncIterator[Callable[[Inbox], object]]:
    """Start buses that share one broker (a MemoryBroker, or the Redis server)."""
    if request.param == "redis":
        require("redis")
    broker = MemoryBroker()
    prefix = f"test:{id(broker)}:"
    async with AsyncExitStack() as stack:

        async def start(inbox: Inbox) -> Bus:
            bus: Bus = (
                MemoryBus(broker) if request.param == "memory" else RedisBus(REDIS_URL, prefix)
            )
            await bus.start(inbox.append)
            stack.push_async_callback(bus.close)
            if isinstance(bus, RedisBus):
                await asyncio.wait_for(bus.connected.wait(), 5)
            return bus

        yield start


async def settle() -> None:
    await asyncio.sleep(0.2)


async def test_broadcasts_reach_only_processes_that_listen(make_bus: Callable) -> None:
    heard_a, heard_b, heard_c = [], [], []
    a, b, _ = await make_bus(heard_a), await make_bus(heard_b), await make_bus(heard_c)
    b.listen("class-1")
    await settle()
    message = BusMessage("class-1", text='{"event":"X"}')
    await a.publish(message)
    await settle()
    assert heard_b == [message]
    assert heard_a == [] and heard_c == []


async def test_audience_news_reaches_every_other_process(make_bus: Callable) -> None:
    heard_a, heard_b = [], []
    a, _ = await make_bus(heard_a), await make_bus(heard_b)
    news = BusMessage("class-2", joined_user="user-1")
    await a.publish(news)
    await settle()
    assert heard_b == [news]
    assert heard_a == []


async def test_unlisten_stops_delivery(make_bus: Callable) -> None:
    heard = []
    a, b = await make_bus([]), await make_bus(heard)
    b.listen("class-3")
    await settle()
    b.unlisten("class-3")
    await settle()
    await a.publish(BusMessage("class-3", text="late"))
    await settle()
    assert heard == []


async def test_order_is_kept(make_bus: Callable) -> None:
    heard = []
    a, b = await make_bus([]), await make_bus(heard)
    b.listen("class-4")
    await settle()
    for n in range(50):
        await a.publish(BusMessage("class-4", text=str(n)))
    await settle()
    assert [m.text for m in heard] == [str(n) for n in range(50)]
