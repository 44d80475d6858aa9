"""Both buses behind one interface: the same behaviour in memory and on Redis."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack

import pytest
from prometheus_client import REGISTRY

from headcount.domain.events import AudienceJoined, Event, Marked
from headcount.fanout.bus import CONTROL, Bus, MemoryBroker, MemoryBus
from headcount.fanout.redis_bus import RedisBus
from tests.conftest import require
from tests.support.backends import REDIS_URL

Inbox = list[Event]
CLASSES = [uuid.uuid4() for _ in range(4)]


def mark(class_index: int, student: int = 0) -> Marked:
    return Marked(CLASSES[class_index], uuid.UUID(int=student), "present")


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
    b.listen(str(CLASSES[0]))
    await settle()
    a.publish(str(CLASSES[0]), mark(0))
    await settle()
    assert heard_b == [mark(0)]
    assert heard_a == [] and heard_c == []


def received(sender: str) -> float:
    value = REGISTRY.get_sample_value("headcount_bus_messages_received_total", {"sender": sender})
    return value or 0.0


async def test_received_messages_are_counted_only_where_a_listener_is(
    make_bus: Callable,
) -> None:
    a, b, _ = await make_bus([]), await make_bus([]), await make_bus([])
    a.listen(str(CLASSES[3]))
    b.listen(str(CLASSES[3]))
    await settle()
    own, other = received("own"), received("other")
    a.publish(str(CLASSES[3]), mark(3))
    await settle()
    # b hears it from a, a its own echo; the third bus listens to nothing and counts nothing.
    assert (received("own") - own, received("other") - other) == (1, 1)


async def test_audience_news_reaches_every_other_process(make_bus: Callable) -> None:
    heard_a, heard_b = [], []
    a, _ = await make_bus(heard_a), await make_bus(heard_b)
    news = AudienceJoined(CLASSES[1], uuid.uuid4())
    a.publish(CONTROL, news)
    await settle()
    assert heard_b == [news]
    assert heard_a == []


async def test_unlisten_stops_delivery(make_bus: Callable) -> None:
    heard = []
    a, b = await make_bus([]), await make_bus(heard)
    b.listen(str(CLASSES[2]))
    await settle()
    b.unlisten(str(CLASSES[2]))
    await settle()
    a.publish(str(CLASSES[2]), mark(2))
    await settle()
    assert heard == []


async def test_order_is_kept(make_bus: Callable) -> None:
    heard = []
    a, b = await make_bus([]), await make_bus(heard)
    b.listen(str(CLASSES[3]))
    await settle()
    for n in range(50):
        a.publish(str(CLASSES[3]), mark(3, n))
    await settle()
    assert heard == [mark(3, n) for n in range(50)]


async def test_bytes_that_are_no_event_are_dropped_and_later_ones_still_arrive(
    make_bus: Callable,
) -> None:
    heard = []
    a, b = await make_bus([]), await make_bus(heard)
    b.listen(str(CLASSES[0]))
    await settle()
    a._publish(str(CLASSES[0]), b"someone else " + b'{"k": "Nonsense", "e": {}}')
    a._publish(str(CLASSES[0]), b"someone else not json")
    a.publish(str(CLASSES[0]), mark(0, 7))
    await settle()
    assert heard == [mark(0, 7)]
