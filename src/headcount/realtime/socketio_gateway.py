"""The Socket.IO gateway of SPEC §6 (namespace `/attendance`), for the NestJS seed's clients.

Each class's Socket.IO room is one listener of the fan-out hub, beside the /ws sockets: one
fan-out path, so a mark reaches every listener exactly once. python-socketio keeps its default
in-process manager; the hub's bus already carries events between processes.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

import socketio
import structlog

from headcount import metrics
from headcount.domain import errors
from headcount.domain.audience import Viewer
from headcount.domain.events import Amended, ClassEvent, Marked
from headcount.domain.inputs import CachedMarkInput, SessionTarget
from headcount.failures import failure_of
from headcount.fanout.broadcast import Broadcast
from headcount.fanout.hub import next_in_order
from headcount.realtime import protocol
from headcount.realtime.socketio_guard import GuardedServer
from headcount.security import MANAGING_ROLES, InvalidToken, Principal
from headcount.services import Services

log = structlog.get_logger(__name__)
NAMESPACE = "/attendance"
UPDATE = "attendanceUpdate"
MARKED_MESSAGE = "Attendance marked successfully"
STALE_MESSAGE = "Attendance not applied: a newer mark stands"


def update_of(event: ClassEvent) -> dict[str, str] | None:
    """The Socket.IO codec of the fan-out layer: only marks travel, as `attendanceUpdate`; a
    correction is the student's new status, so it travels the same way."""
    if not isinstance(event, Marked | Amended):
        return None
    return {
        "classId": str(event.class_id),
        "studentId": str(event.student_id),
        "status": event.status,
    }


class Tasks:
    """Emits started from synchronous code, kept until done."""

    def __init__(self) -> None:
        self._pending: set[asyncio.Task[Any]] = set()

    def start(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(work)
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)


@dataclass(eq=False)
class Client:
    """One Socket.IO connection, as the hub's sessions see it."""

    sid: str
    principal: Principal
    gateway: Gateway
    viewer: Viewer = field(init=False)

    def __post_init__(self) -> None:
        self.viewer = Viewer.of(self.principal)

    def revoke(self) -> None:
        self.gateway.tasks.start(self.gateway.refuse(self.sid))


@dataclass(eq=False)
class Room:
    """A class's Socket.IO room here: one listener for all its members, each of whom hears
    what their role lets them hear."""

    server: socketio.AsyncServer
    class_id: str
    tasks: Tasks
    members: dict[str, Client] = field(default_factory=dict)
    order: int = field(default_factory=next_in_order)

    def deliver(self, broadcast: Broadcast) -> None:
        update = broadcast.encoded(update_of)
        if update is None:
            return
        hearing = [
            sid for sid, client in self.members.items() if client.viewer.hears(broadcast.reach)
        ]
        if not hearing:
            return
        to: str | list[str] = self.class_id if len(hearing) == len(self.members) else hearing
        self.tasks.start(self.server.emit(UPDATE, update, to=to, namespace=NAMESPACE))

    def forget(self, user_id: uuid.UUID) -> None:
        for sid, client in tuple(self.members.items()):
            if client.principal.user_id == user_id:
                del self.members[sid]
                self.tasks.start(self.server.leave_room(sid, self.class_id, namespace=NAMESPACE))


class Gateway(socketio.AsyncNamespace):  # type: ignore[misc]
    def __init__(self, services: Services) -> None:
        super().__init__(NAMESPACE)
        self.services = services
        self.tasks = Tasks()
        self.clients: dict[str, Client] = {}
        self.rooms: dict[str, Room] = {}

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        if not isinstance(token, str) or not token:
            token = environ.get("HTTP_AUTHORIZATION")
        try:
            principal = self.services.tokens.from_header(token)
        except InvalidToken:
            raise socketio.exceptions.ConnectionRefusedError(protocol.UNAUTHORIZED) from None
        if not await self.services.accounts.honours(principal):
            raise socketio.exceptions.ConnectionRefusedError(protocol.UNAUTHORIZED)
        client = Client(sid, principal, self)
        if not self.services.hub.sessions.add(client):
            raise socketio.exceptions.ConnectionRefusedError(protocol.TOO_MANY_CONNECTIONS)
        self.clients[sid] = client
        metrics.CONNECTIONS.labels("socketio").inc()

    async def on_disconnect(self, sid: str, reason: Any = None) -> None:
        client = self.clients.pop(sid, None)
        if client is None:
            return
        metrics.CONNECTIONS.labels("socketio").dec()
        self.services.hub.sessions.remove(client)
        for class_id, room in tuple(self.rooms.items()):
            room.members.pop(sid, None)
            if not room.members:
                self.services.hub.remove_room(room, class_id)
                del self.rooms[class_id]

    async def refuse(self, sid: str) -> None:
        """Access is gone: say so, then disconnect."""
        await self._fail(sid, protocol.UNAUTHORIZED)
        await self.disconnect(sid)

    async def _fail(self, sid: str, message: str) -> None:
        await self.emit("exception", {"status": "error", "message": message}, to=sid)

    async def _guarded(self, sid: str, action: Coroutine[Any, Any, Any]) -> Any:
        """Run one event's work, turning every refusal into an `exception` event."""
        try:
            return await action
        except Exception as exc:
            await self._fail(sid, failure_of(exc, NAMESPACE).live_message)
        return None

    async def on_subscribeToClass(self, sid: str, data: Any = None) -> Any:
        return await self._guarded(sid, self._subscribe(sid, data))

    async def _subscribe(self, sid: str, data: Any) -> dict[str, bool]:
        client = self.clients[sid]
        target = SessionTarget.model_validate(data if isinstance(data, dict) else {})
        if target.classId is None:
            raise errors.invalid_schema()
        await self.services.classes.authorize_listener(client.principal, target.classId)
        class_id = str(target.classId)
        await self.enter_room(sid, class_id)
        room = self.rooms.get(class_id)
        if room is None:
            room = self.rooms[class_id] = Room(self.server, class_id, self.tasks)
            self.services.hub.add_room(room, class_id)
        room.members[sid] = client
        return {"success": True}

    async def on_markAttendance(self, sid: str, data: Any = None) -> Any:
        return await self._guarded(sid, self._mark(sid, data))

    async def _mark(self, sid: str, data: Any) -> dict[str, Any]:
        principal = self.clients[sid].principal
        if principal.role not in MANAGING_ROLES:
            raise errors.event_role_required("teacher")
        body = CachedMarkInput.model_validate(data if isinstance(data, dict) else {})
        mark = body.as_mark(principal, source="socketio")
        receipt = await self.services.sessions.mark(principal, body.classId, mark, body.ttl)
        if not receipt["applied"]:
            return {
                "success": False,
                "applied": False,
                "message": STALE_MESSAGE,
                "status": receipt["status"],
                "cacheKey": receipt["cacheKey"],
            }
        return {"success": True, "message": MARKED_MESSAGE, "cacheKey": receipt["cacheKey"]}


def server_for(services: Services) -> socketio.AsyncServer:
    cors = services.settings.cors_origin
    server = GuardedServer(
        handshake_timeout=services.settings.handshake_timeout,
        namespaces=[NAMESPACE],
        async_mode="asgi",
        cors_allowed_origins="*" if cors == ["*"] else cors,
        logger=False,
        engineio_logger=False,
    )
    server.register_namespace(Gateway(services))
    return server
