"""fanout/hub.py on the in-memory bus: who hears what, in which order, across hubs."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from headcount.domain.audience import Hearing, Viewer
from headcount.domain.events import (
    AccessRevoked,
    AudienceJoined,
    AudienceLeft,
    Marked,
    Summarized,
)
from headcount.fanout.broadcast import Broadcast
from headcount.fanout.bus import MemoryBroker, MemoryBus
from headcount.fanout.hub import Hub, next_in_order
from headcount.security import Principal

CLASS = uuid.uuid4()
COUNTS = {"present": 0, "absent": 0, "late": 0, "excused": 0, "total": 0}
World = tuple["Directory", MemoryBroker, list[Hub]]


@dataclass(eq=False)
class Peer:
    principal: Principal
    heard: list[tuple[str, object]]
    name: str
    order: int = field(default_factory=next_in_order)
    revoked: bool = False

    def deliver(self, broadcast: Broadcast) -> None:
        self.heard.append((self.name, broadcast.event))

    def revoke(self) -> None:
        self.revoked = True


@dataclass
class Directory:
    """What each user hears, with a gate per user to hold their load back."""

    classes: dict[uuid.UUID, set[uuid.UUID]] = field(default_factory=dict)
    gates: dict[uuid.UUID, asyncio.Event] = field(default_factory=dict)

    async def hearing_of(self, who: Principal) -> Hearing | None:
        gate = self.gates.get(who.user_id)
        if gate is not None:
            await gate.wait()
        if who.user_id not in self.classes:
            return None
        return Hearing(Viewer.of(who), frozenset(self.classes[who.user_id]))


@pytest.fixture
async def world() -> AsyncIterator[World]:
    directory, broker, hubs = Directory(), MemoryBroker(), []
    yield directory, broker, hubs
    for hub in hubs:
        await hub.close()


async def _hub(world: World, live_marks: str = "own") -> Hub:
    directory, broker, hubs = world
    hub = Hub(MemoryBus(broker), directory.hearing_of, live_marks)  # type: ignore[arg-type]
    await hub.start()
    hubs.append(hub)
    return hub


def _user(directory: Directory, role: str, *classes: uuid.UUID) -> Principal:
    who = Principal(uuid.uuid4(), role)  # type: ignore[arg-type]
    directory.classes[who.user_id] = set(classes)
    return who


async def test_a_broadcast_reaches_listeners_oldest_connection_first(world: World) -> None:
    directory = world[0]
    hub = await _hub(world)
    heard: list[tuple[str, object]] = []
    teacher = _user(directory, "teacher", CLASS)
    students = [_user(directory, "student", CLASS) for _ in range(20)]
    directory.gates[teacher.user_id] = asyncio.Event()
    first = Peer(teacher, heard, "teacher")
    attaching = asyncio.create_task(hub.attach(first))
    others = [Peer(s, heard, f"student{n}") for n, s in enumerate(students)]
    for peer in others:
        assert await hub.attach(peer)
    directory.gates[teacher.user_id].set()  # the oldest connection's classes load last
    assert await attaching
    await hub.publish(Summarized(CLASS, COUNTS))  # type: ignore[arg-type]
    assert [name for name, _ in heard] == ["teacher"] + [f"student{n}" for n in range(20)]


async def test_a_student_hears_only_marks_about_themselves(world: World) -> None:
    directory = world[0]
    hub = await _hub(world)
    heard: list[tuple[str, object]] = []
    me, classmate = _user(directory, "student", CLASS), _user(directory, "student", CLASS)
    await hub.attach(Peer(me, heard, "me"))
    await hub.publish(Marked(CLASS, classmate.user_id, "late"))
    await hub.publish(Marked(CLASS, me.user_id, "present"))
    assert heard == [("me", Marked(CLASS, me.user_id, "present"))]


async def test_audience_news_from_another_process_is_heard(world: World) -> None:
    directory = world[0]
    here, there = await _hub(world), await _hub(world, "class")
    heard: list[tuple[str, object]] = []
    student = _user(directory, "student")
    await there.attach(Peer(student, heard, "student"))
    await here.publish(AudienceJoined(CLASS, student.user_id))
    await here.publish(Marked(CLASS, uuid.uuid4(), "late"))
    assert [name for name, _ in heard] == ["student"]
    await here.publish(AudienceLeft(CLASS, student.user_id))
    await here.publish(Summarized(CLASS, COUNTS))  # type: ignore[arg-type]
    assert len(heard) == 1
    assert str(CLASS) not in there.bus.channels  # nobody left there to hear it


async def test_one_user_s_classes_are_held_once_and_let_go_with_the_last_socket(
    world: World,
) -> None:
    directory = world[0]
    hub = await _hub(world)
    classes = [uuid.uuid4() for _ in range(50)]
    teacher = _user(directory, "teacher", *classes)
    peers = [Peer(teacher, [], f"tab{n}") for n in range(3)]
    for peer in peers:
        await hub.attach(peer)
    assert len(hub._users) == 1 and len(hub._users[teacher.user_id].class_ids) == 50
    for peer in peers:
        hub.detach(peer)
    assert hub._users == {} and hub._audience == {}
    assert hub.bus.channels == {"control"}


async def test_an_account_that_is_gone_is_not_attached(world: World) -> None:
    hub = await _hub(world)
    ghost = Peer(Principal(uuid.uuid4(), "student"), [], "ghost")
    assert not await hub.attach(ghost)
    assert hub._users == {}


async def test_revoking_access_ends_that_user_s_sessions_on_every_hub(world: World) -> None:
    directory = world[0]
    here, there = await _hub(world), await _hub(world)
    student = _user(directory, "student", CLASS)
    peer, other = Peer(student, [], "a"), Peer(_user(directory, "student", CLASS), [], "b")
    for session in (peer, other):
        assert there.sessions.add(session)
    await here.publish(AccessRevoked(student.user_id))
    assert peer.revoked and not other.revoked
    assert not there.sessions.holds(peer) and there.sessions.holds(other)


async def test_one_token_can_be_revoked_alone(world: World) -> None:
    hub = await _hub(world)
    user = uuid.uuid4()
    kept = Peer(Principal(user, "teacher", token_id="kept"), [], "kept")
    gone = Peer(Principal(user, "teacher", token_id="gone"), [], "gone")
    hub.sessions.add(kept)
    hub.sessions.add(gone)
    await hub.publish(AccessRevoked(user, "gone"))
    assert gone.revoked and not kept.revoked


async def test_sessions_per_user_are_capped(world: World) -> None:
    directory, broker, hubs = world
    hub = Hub(MemoryBus(broker), directory.hearing_of, "own", sockets_per_user=2)
    hubs.append(hub)
    who = Principal(uuid.uuid4(), "student")
    peers = [Peer(who, [], str(n)) for n in range(3)]
    assert [hub.sessions.add(peer) for peer in peers] == [True, True, False]
    hub.sessions.remove(peers[0])
    assert hub.sessions.add(peers[2])


async def test_expired_tokens_end_their_sessions(world: World) -> None:
    hub = await _hub(world)
    user = uuid.uuid4()
    soon = Peer(Principal(user, "student", expires_at=100.0), [], "soon")
    later = Peer(Principal(user, "student", expires_at=200.0), [], "later")
    hub.sessions.add(soon)
    hub.sessions.add(later)
    hub.sessions.sweep(150.0)
    assert soon.revoked and not later.revoked
    hub.sessions.sweep(250.0)
    assert later.revoked
