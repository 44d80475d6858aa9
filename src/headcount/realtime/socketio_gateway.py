"""The Socket.IO gateway of SPEC §6 (namespace `/attendance`), for the NestJS seed's clients.

Socket.IO rooms are per class, and each room hears its class through the same hub as /ws
sockets: one fan-out path, so a mark reaches every listener exactly once. python-socketio
keeps its default in-process manager; the hub's bus already carries broadcasts between
processes.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import socketio
import structlog
from pydantic import ValidationError

from headcount import metrics
from headcount.domain import errors
from headcount.domain.errors import DomainError
from headcount.domain.inputs import CachedMarkInput, SessionTarget
from headcount.http.errors import is_unavailable
from headcount.realtime import protocol
from headcount.realtime.hub import Broadcast
from headcount.security import InvalidToken, Principal
from headcount.services import Services

log = structlog.get_logger(__name__)
NAMESPACE = "/attendance"
MARKED_MESSAGE = "Attendance marked successfully"


class Room:
    """A class's Socket.IO room, as the hub sees it: one listener for all its sockets here."""

    def __init__(self, server: socketio.AsyncServer, class_id: str) -> None:
        self.server = server
        self.class_id = class_id
        self.members: set[str] = set()
        self._pending: set[asyncio.Task[None]] = set()

    def deliver(self, broadcast: Broadcast) -> None:
        message = orjson.loads(broadcast.text)
        if message["event"] != protocol.ATTENDANCE_MARKED:
            return
        data = message["data"]
        update = {
            "classId": data["classId"],
            "studentId": data["studentId"],
            "status": data["status"],
        }
        task = asyncio.create_task(
            self.server.emit("attendanceUpdate", update, room=self.class_id, namespace=NAMESPACE)
        )
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)


class Gateway(socketio.AsyncNamespace):  # type: ignore[misc]
    def __init__(self, services: Services) -> None:
        super().__init__(NAMESPACE)
        self.services = services
        self.rooms: dict[str, Room] = {}

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        if not isinstance(token, str) or not token:
            token = environ.get("HTTP_AUTHORIZATION")
        try:
            principal = self.services.tokens.from_header(token)
        except InvalidToken:
            raise socketio.exceptions.ConnectionRefusedError(protocol.UNAUTHORIZED) from None
        await self.save_session(sid, {"principal": principal})
        metrics.CONNECTIONS.labels("socketio").inc()

    async def on_disconnect(self, sid: str, reason: Any = None) -> None:
        metrics.CONNECTIONS.labels("socketio").dec()
        for class_id, room in tuple(self.rooms.items()):
            room.members.discard(sid)
            if not room.members:
                self.services.hub.leave(room, class_id)
                del self.rooms[class_id]

    async def _principal(self, sid: str) -> Principal:
        session = await self.get_session(sid)
        principal: Principal = session["principal"]
        return principal

    async def _fail(self, sid: str, message: str) -> None:
        await self.emit("exception", {"status": "error", "message": message}, to=sid)

    async def _guarded(self, sid: str, action: Any) -> Any:
        """Run one event's work, turning every refusal into an `exception` event."""
        try:
            return await action
        except DomainError as exc:
            await self._fail(sid, exc.message)
        except ValidationError:
            await self._fail(sid, errors.invalid_schema().message)
        except Exception as exc:
            if not is_unavailable(exc):
                log.exception("socket.io handler failed")
                await self._fail(sid, "Internal server error")
            else:
                await self._fail(sid, errors.unavailable().message)
        return None

    async def on_subscribeToClass(self, sid: str, data: Any = None) -> Any:
        return await self._guarded(sid, self._subscribe(sid, data))

    async def _subscribe(self, sid: str, data: Any) -> dict[str, bool]:
        principal = await self._principal(sid)
        target = SessionTarget.model_validate(data if isinstance(data, dict) else {})
        if target.classId is None:
            raise errors.invalid_schema()
        await self.services.classes.authorize_listener(principal, target.classId)
        class_id = str(target.classId)
        await self.enter_room(sid, class_id)
        room = self.rooms.get(class_id)
        if room is None:
            room = self.rooms[class_id] = Room(self.server, class_id)
            self.services.hub.join(room, class_id)
        room.members.add(sid)
        return {"success": True}

    async def on_markAttendance(self, sid: str, data: Any = None) -> Any:
        return await self._guarded(sid, self._mark(sid, data))

    async def _mark(self, sid: str, data: Any) -> dict[str, Any]:
        principal = await self._principal(sid)
        if principal.role != "teacher":
            raise errors.event_role_required("teacher")
        body = CachedMarkInput.model_validate(data if isinstance(data, dict) else {})
        mark = body.as_mark(principal, source="socketio")
        receipt = await self.services.sessions.mark(principal, body.classId, mark, body.ttl)
        return {"success": True, "message": MARKED_MESSAGE, "cacheKey": receipt["cacheKey"]}


def server_for(services: Services) -> socketio.AsyncServer:
    cors = services.settings.cors_origin
    server = socketio.AsyncServer(
        async_mode="asgi",
        cors_allowed_origins="*" if cors == ["*"] else cors,
        logger=False,
        engineio_logger=False,
    )
    server.register_namespace(Gateway(services))
    return server
