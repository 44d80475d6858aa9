"""Who is connected to this process, which classes they hear, and delivery to them.

The audience is kept per user, not per connection: a user's classes are held once however
many sockets they open, so a socket costs the same whether its user has one class or ten
thousand, and all of it is let go when the user's last connection closes.

A broadcast is written to a class's listeners oldest connection first (ARCHITECTURE, pitfall
15: clients of the Node reference, which iterates its sockets in connection order, rely on
it). That order is worked out when the class first broadcasts and kept until its audience
changes. Each write is a non-blocking push into a transport (pitfall 6), so no listener can
hold up another. The publishing process delivers to its own listeners directly; the bus
carries the event to the others, so a bus outage never silences a process's own sockets.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from headcount import metrics
from headcount.domain.audience import Hearing, LiveMarks, Viewer, reach
from headcount.domain.events import (
    AccessRevoked,
    AudienceJoined,
    AudienceLeft,
    ClassEvent,
    Event,
    WardsChanged,
)
from headcount.fanout.broadcast import Broadcast
from headcount.fanout.bus import CONTROL, Bus
from headcount.fanout.sessions import Session, Sessions
from headcount.security import Principal

# What a connecting user hears, or None when the account no longer exists.
HearingLoader = Callable[[Principal], Awaitable[Hearing | None]]
_order = itertools.count()


def next_in_order() -> int:
    """A place in connection order, taken when a connection (or a room) arrives."""
    return next(_order)


class Listener(Protocol):
    """Anything a class's broadcasts are written to: a /ws connection, a Socket.IO room."""

    @property
    def order(self) -> int: ...

    def deliver(self, broadcast: Broadcast) -> None: ...


class Peer(Listener, Session, Protocol):
    """A connection of one user, which hears every class that user hears."""


class Room(Listener, Protocol):
    """A listener that filters its own members, and drops those who stop hearing the class."""

    def forget(self, user_id: uuid.UUID) -> None: ...


@dataclass(eq=False, slots=True)
class _User:
    """A connected user's peers and classes, kept once per user: slots and a list, not a
    dict, because a process holds one of these for every user with a socket open."""

    viewer: Viewer
    peers: list[Peer] = field(default_factory=list)
    class_ids: set[str] = field(default_factory=set)
    changes: int = 0  # audience news about this user, to catch any that raced a load


Ordered = tuple[tuple[Listener, Viewer | None], ...]


class Hub:
    def __init__(
        self,
        bus: Bus,
        hearing_of: HearingLoader,
        live_marks: LiveMarks,
        sockets_per_user: int | None = None,
    ) -> None:
        self.bus = bus
        self.sessions = Sessions(sockets_per_user)
        self.live_marks = live_marks
        self._hearing_of = hearing_of
        self._users: dict[uuid.UUID, _User] = {}
        self._audience: dict[str, dict[uuid.UUID, None]] = {}
        self._rooms: dict[str, dict[Room, None]] = {}
        self._ordered: dict[str, Ordered] = {}
        # Connected guardians by child: a child's enrolment changes what they hear too.
        self._guardians: dict[uuid.UUID, set[uuid.UUID]] = {}
        # Told of every event applied here, local or from another process: what each
        # process remembers of accounts and classes is dropped by these.
        self.watchers: list[Callable[[Event], None]] = []
        self._reloads: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        await self.bus.start(self._apply)
        self.sessions.start()

    async def close(self) -> None:
        for task in tuple(self._reloads):
            task.cancel()
        await self.sessions.close()
        await self.bus.close()

    async def attach(self, peer: Peer) -> bool:
        """Register a connection with the classes its user hears; False for an account that
        no longer exists. Registers first, so audience news that arrives while the classes
        load still counts, and loads again if any did."""
        uid = peer.principal.user_id
        user = self._users.get(uid)
        if user is None:
            user = self._users[uid] = _User(Viewer.of(peer.principal))
        user.peers.append(peer)
        self._changed(user)
        try:
            while True:
                seen = user.changes
                hearing = await self._hearing_of(peer.principal)
                if hearing is None or user.changes == seen or peer not in user.peers:
                    break
        except BaseException:
            self.detach(peer)
            raise
        if hearing is None:
            self.detach(peer)
            return False
        if peer in user.peers:
            self._see_as(uid, user, hearing.viewer)
            for class_id in hearing.class_ids:
                self._join(user, uid, str(class_id))
        return True

    def detach(self, peer: Peer) -> None:
        uid = peer.principal.user_id
        user = self._users.get(uid)
        if user is None or peer not in user.peers:
            return
        user.peers.remove(peer)
        self._changed(user)
        if not user.peers:
            for class_id in tuple(user.class_ids):
                self._leave(user, uid, class_id)
            self._see_as(uid, user, Viewer.of(peer.principal))
            del self._users[uid]

    def add_room(self, room: Room, class_id: str) -> None:
        self._rooms.setdefault(class_id, {})[room] = None
        self._ordered.pop(class_id, None)
        self.bus.listen(class_id)

    def remove_room(self, room: Room, class_id: str) -> None:
        rooms = self._rooms.get(class_id, {})
        rooms.pop(room, None)
        self._ordered.pop(class_id, None)
        if not rooms:
            self._rooms.pop(class_id, None)
            self._quiet(class_id)

    async def publish(self, event: Event) -> None:
        """The domain's event sink: act on it here, then tell the other processes."""
        self._apply(event)
        channel = str(event.class_id) if isinstance(event, ClassEvent) else CONTROL
        self.bus.publish(channel, event)

    def _apply(self, event: Event) -> None:
        if isinstance(event, AudienceJoined):
            user = self._users.get(event.user_id)
            if user is not None:
                user.changes += 1
                self._join(user, event.user_id, str(event.class_id))
            self._reload_guardians_of(event.user_id)
        elif isinstance(event, AudienceLeft):
            self._forget(event.user_id, str(event.class_id))
            self._reload_guardians_of(event.user_id)
        elif isinstance(event, WardsChanged):
            self._unlink(event)
            self._reload_later(event.user_id)
        elif isinstance(event, AccessRevoked):
            self.sessions.revoke(event.user_id, event.token_id, event.keep)
        elif isinstance(event, ClassEvent):
            self._broadcast(event)
        for watcher in self.watchers:
            watcher(event)

    def _broadcast(self, event: ClassEvent) -> None:
        started = time.perf_counter()
        broadcast = Broadcast(event, reach(event, self.live_marks))
        for listener, viewer in self._order(str(event.class_id)):
            if viewer is None or viewer.hears(broadcast.reach):
                listener.deliver(broadcast)
        metrics.FANOUT_SECONDS.observe(time.perf_counter() - started)

    def _order(self, class_id: str) -> Ordered:
        ordered = self._ordered.get(class_id)
        if ordered is None:
            listeners: list[tuple[Listener, Viewer | None]] = [
                (peer, user.viewer)
                for uid in self._audience.get(class_id, ())
                for user in (self._users[uid],)
                for peer in user.peers
            ]
            listeners += [(room, None) for room in self._rooms.get(class_id, ())]
            listeners.sort(key=lambda pair: pair[0].order)
            ordered = self._ordered[class_id] = tuple(listeners)
        return ordered

    def _join(self, user: _User, uid: uuid.UUID, class_id: str) -> None:
        if class_id in user.class_ids:
            return
        user.class_ids.add(class_id)
        self._audience.setdefault(class_id, {})[uid] = None
        self._ordered.pop(class_id, None)
        self.bus.listen(class_id)

    def _unlink(self, event: WardsChanged) -> None:
        user = self._users.get(event.user_id)
        if user is not None and event.unlinked is not None:
            viewer = user.viewer
            wards = viewer.wards - {event.unlinked}
            self._see_as(event.user_id, user, Viewer(viewer.user_id, viewer.role, wards))
            self._changed(user)

    def _see_as(self, uid: uuid.UUID, user: _User, viewer: Viewer) -> None:
        """Give `user` a new viewer, keeping the guardians-by-child index in step."""
        for child in user.viewer.wards - viewer.wards:
            guardians = self._guardians.get(child, set())
            guardians.discard(uid)
            if not guardians:
                self._guardians.pop(child, None)
        for child in viewer.wards - user.viewer.wards:
            self._guardians.setdefault(child, set()).add(uid)
        user.viewer = viewer

    def _reload_guardians_of(self, child: uuid.UUID) -> None:
        for guardian in tuple(self._guardians.get(child, ())):
            self._reload_later(guardian)

    def _reload_later(self, uid: uuid.UUID) -> None:
        user = self._users.get(uid)
        if user is not None:
            user.changes += 1
            task = asyncio.get_running_loop().create_task(self._reload(uid, user))
            self._reloads.add(task)
            task.add_done_callback(self._reloads.discard)

    async def _reload(self, uid: uuid.UUID, user: _User) -> None:
        """Hear again what a connected user hears now: their classes and, for a guardian,
        whose marks. Loads again if more news raced the load, as `attach` does."""
        while user.peers and self._users.get(uid) is user:
            seen = user.changes
            hearing = await self._hearing_of(user.peers[0].principal)
            if hearing is None or self._users.get(uid) is not user:
                return
            if user.changes != seen:
                continue
            wanted = {str(class_id) for class_id in hearing.class_ids}
            for class_id in user.class_ids - wanted:
                self._leave(user, uid, class_id)
            self._see_as(uid, user, hearing.viewer)
            for class_id in wanted - user.class_ids:
                self._join(user, uid, class_id)
            self._changed(user)
            return

    def _leave(self, user: _User, uid: uuid.UUID, class_id: str) -> None:
        user.class_ids.discard(class_id)
        audience = self._audience.get(class_id, {})
        audience.pop(uid, None)
        self._ordered.pop(class_id, None)
        if not audience:
            self._audience.pop(class_id, None)
            self._quiet(class_id)

    def _forget(self, uid: uuid.UUID, class_id: str) -> None:
        user = self._users.get(uid)
        if user is not None:
            user.changes += 1
            self._leave(user, uid, class_id)
        for room in tuple(self._rooms.get(class_id, ())):
            room.forget(uid)

    def _quiet(self, class_id: str) -> None:
        """Stop hearing a class's channel once nobody here listens to it."""
        if class_id not in self._audience and class_id not in self._rooms:
            self.bus.unlisten(class_id)

    def _changed(self, user: _User) -> None:
        """A user's connections changed: their classes' orders are worked out again."""
        for class_id in user.class_ids:
            self._ordered.pop(class_id, None)
