"""The raw WebSocket at /ws (SPEC §5): authenticate, register, then answer events one by one."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
import structlog
from pydantic import BaseModel
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from headcount import metrics
from headcount.domain import errors
from headcount.domain.errors import DomainError
from headcount.domain.inputs import CheckInInput, MarkInput, SessionTarget
from headcount.domain.message_rate import MessageRate
from headcount.failures import failure_of
from headcount.fanout.broadcast import Broadcast
from headcount.fanout.hub import Hub, next_in_order
from headcount.realtime import protocol
from headcount.realtime.sockets import Live, Socket
from headcount.realtime.transport import EXTENSION
from headcount.security import MANAGING_ROLES, InvalidToken, Principal
from headcount.services import Services

log = structlog.get_logger(__name__)
PATH = "/ws"
POLICY_VIOLATION = 1008
INTERNAL_ERROR = 1011
STUDENTS = ("student",)
# Messages a connection may have waiting before its socket stops reading more.
INBOX_LIMIT = 8
# Sockets being set up at once, each loading its account and its classes from the database:
# a storm of connections (every client of a restarted process, say) waits its turn here
# rather than in the database pool, where a wait past DB_TIMEOUT would close it with 1011.
SETUPS_AT_ONCE = 8
# Browsers cannot set headers on a WebSocket: they offer this subprotocol with the token as
# the second one, which keeps the token out of URLs that proxies log.
BEARER_PROTOCOL = "bearer"


@dataclass(eq=False, slots=True)
class Connection:
    """One authenticated socket: the hub's peer, the sender of its unicast replies, and the
    owner of its messages, handled one at a time in the order they came.

    No task waits on an idle connection: one is started when a message arrives and ends when
    none is left.
    """

    principal: Principal
    socket: Live  # the app's socket until it is detached, then what serves it after
    dispatcher: Dispatcher
    hub: Hub
    order: int = field(default_factory=next_in_order)
    rate: MessageRate = field(default_factory=MessageRate)
    _inbox: list[str | bytes] = field(default_factory=list)
    _worker: asyncio.Task[None] | None = None

    def deliver(self, broadcast: Broadcast) -> None:
        self.socket.push(broadcast.encoded(protocol.broadcast_frame))

    def reply(self, event: str, data: Any) -> None:
        metrics.MESSAGES.labels("out", event).inc()
        self.socket.push(protocol.frame(protocol.message(event, data)))

    def error(self, text: str) -> None:
        metrics.MESSAGES.labels("out", protocol.ERROR).inc()
        self.socket.push(protocol.frame(protocol.error(text)))

    def revoke(self) -> None:
        """Access is gone (token revoked or expired, account deactivated): say so and close."""
        self.error(protocol.UNAUTHORIZED)
        self.socket.end(POLICY_VIOLATION)

    def received(self, message: str | bytes) -> None:
        self._inbox.append(message)
        if len(self._inbox) >= INBOX_LIMIT:
            self.socket.hold_reading(True)
        if self._worker is None:
            self._worker = self.socket.spawn(self._work())

    async def _work(self) -> None:
        try:
            while self._inbox:
                await self.dispatcher.handle(self, self._inbox.pop(0))
                if len(self._inbox) < INBOX_LIMIT:
                    self.socket.hold_reading(False)
        finally:
            self._worker = None

    def closed(self, code: int) -> None:
        """The socket is gone: a message being handled finishes, any still waiting is not."""
        self._inbox.clear()
        self.hub.sessions.remove(self)
        self.hub.detach(self)
        metrics.CONNECTIONS.labels("ws").dec()
        log.info("ws disconnect", user_id=str(self.principal.user_id), code=code)


Handler = Callable[[Services, Connection, Any], Awaitable[None]]


@dataclass(frozen=True)
class Route:
    roles: tuple[str, ...]  # who may send it; a refusal names the first
    payload: type[BaseModel]
    handle: Handler


async def _mark(services: Services, conn: Connection, data: MarkInput) -> None:
    mark = data.as_mark(conn.principal, source="ws")
    receipt = await services.sessions.mark(conn.principal, data.classId, mark)
    if not receipt["applied"]:
        # A stale replay: only its sender hears what is stored, so it converges.
        stored = {
            "classId": receipt["classId"],
            "studentId": receipt["studentId"],
            "status": receipt["status"],
        }
        conn.reply(protocol.ATTENDANCE_MARKED, stored)


async def _check_in(services: Services, conn: Connection, data: CheckInInput) -> None:
    status = await services.sessions.check_in(conn.principal, data.classId, data.code)
    conn.reply(protocol.CHECK_IN, status)


async def _check_in_code(services: Services, conn: Connection, data: SessionTarget) -> None:
    code = await services.sessions.check_in_code(conn.principal, data.classId)
    conn.reply(protocol.CHECKIN_CODE, code)


async def _summary(services: Services, conn: Connection, data: SessionTarget) -> None:
    await services.sessions.summary(conn.principal, data.classId)


async def _my_attendance(services: Services, conn: Connection, data: SessionTarget) -> None:
    conn.reply(
        protocol.MY_ATTENDANCE, await services.sessions.own_status(conn.principal, data.classId)
    )


async def _done(services: Services, conn: Connection, data: SessionTarget) -> None:
    await services.sessions.finish(conn.principal, data.classId)


async def _state(services: Services, conn: Connection, data: SessionTarget) -> None:
    conn.reply(protocol.SESSION_STATE, await services.sessions.state(conn.principal, data.classId))


ROUTES: dict[str, Route] = {
    protocol.ATTENDANCE_MARKED: Route(MANAGING_ROLES, MarkInput, _mark),
    protocol.TODAY_SUMMARY: Route(MANAGING_ROLES, SessionTarget, _summary),
    protocol.MY_ATTENDANCE: Route(STUDENTS, SessionTarget, _my_attendance),
    protocol.DONE: Route(MANAGING_ROLES, SessionTarget, _done),
    protocol.SESSION_STATE: Route((*MANAGING_ROLES, *STUDENTS), SessionTarget, _state),
    protocol.CHECK_IN: Route(STUDENTS, CheckInInput, _check_in),
    protocol.CHECKIN_CODE: Route(MANAGING_ROLES, SessionTarget, _check_in_code),
}


def _parse(raw: str | bytes) -> tuple[str, Any]:
    """The event name and raw data of a frame, or DomainError with `Invalid message format`."""
    try:
        message = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise DomainError(errors.Kind.INVALID, protocol.INVALID_FORMAT) from None
    if not isinstance(message, dict) or not isinstance(message.get("event"), str):
        raise DomainError(errors.Kind.INVALID, protocol.INVALID_FORMAT)
    return message["event"], message.get("data")


class Dispatcher:
    def __init__(self, services: Services) -> None:
        self.services = services

    async def handle(self, conn: Connection, raw: str | bytes) -> None:
        try:
            if not conn.rate.allows():
                raise errors.too_many_requests(1)
            await self._dispatch(conn, raw)
        except Exception as exc:
            conn.error(failure_of(exc, PATH).live_message)

    async def _dispatch(self, conn: Connection, raw: str | bytes) -> None:
        name, data = _parse(raw)
        route = ROUTES.get(name)
        metrics.MESSAGES.labels("in", name if route else "unknown").inc()
        if route is None:
            raise DomainError(errors.Kind.INVALID, protocol.UNKNOWN_EVENT)
        if conn.principal.role not in route.roles:
            raise errors.event_role_required(route.roles[0])
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise errors.invalid_schema()
        try:
            payload = route.payload.model_validate(data)
        except ValueError:
            raise errors.invalid_schema() from None
        await route.handle(self.services, conn, payload)


def _credentials(websocket: WebSocket) -> tuple[str | None, str | None]:
    """The token, from `?token=`, an `Authorization` header or the bearer subprotocol, and
    the subprotocol to answer with (browsers insist on one when they offered any)."""
    token = websocket.query_params.get("token")
    if token is not None:
        return token, None
    offered = websocket.scope.get("subprotocols") or []
    if len(offered) == 2 and offered[0] == BEARER_PROTOCOL:
        return offered[1], BEARER_PROTOCOL
    return websocket.headers.get("authorization"), None


async def _refuse(websocket: WebSocket, message: str, subprotocol: str | None = None) -> None:
    try:
        await websocket.accept(subprotocol)
        await websocket.send_text(protocol.error(message))
        await websocket.close(POLICY_VIOLATION)
    except (WebSocketDisconnect, RuntimeError, OSError):
        pass


def _origin_allowed(websocket: WebSocket, allowed: list[str]) -> bool:
    """Browsers name their page's origin; other clients send none and are not at risk."""
    origin = websocket.headers.get("origin")
    if origin is None or "*" in allowed or origin.rstrip("/") in allowed:
        return True
    host = websocket.headers.get("host", "")
    return origin in (f"http://{host}", f"https://{host}")


class WebSocketApp:
    """The ASGI app that serves /ws."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.dispatcher = Dispatcher(services)
        self.setups = asyncio.Semaphore(SETUPS_AT_ONCE)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        websocket = WebSocket(scope, receive, send)
        if not _origin_allowed(websocket, self.services.settings.cors_origin):
            await websocket.close(POLICY_VIOLATION)  # before accepting: the upgrade is refused
            return
        token, subprotocol = _credentials(websocket)
        try:
            principal = self.services.tokens.from_header(token)
        except InvalidToken:
            await _refuse(websocket, protocol.UNAUTHORIZED, subprotocol)
            return
        async with self.setups:
            await endpoint(websocket, self.services, self.dispatcher, principal, subprotocol)


async def endpoint(
    websocket: WebSocket,
    services: Services,
    dispatcher: Dispatcher,
    principal: Principal,
    subprotocol: str | None,
) -> None:
    try:
        honoured = await services.accounts.honours(principal)
    except Exception as exc:
        log.warning("could not set up a connection", error=repr(exc))
        await websocket.close(INTERNAL_ERROR)
        return
    if not honoured:
        await _refuse(websocket, protocol.UNAUTHORIZED, subprotocol)
        return
    hub = services.hub
    socket: Socket = websocket.scope["extensions"][EXTENSION]
    conn = Connection(principal, socket, dispatcher, hub)
    if not hub.sessions.add(conn):
        await _refuse(websocket, protocol.TOO_MANY_CONNECTIONS, subprotocol)
        return
    try:
        known = await hub.attach(conn)
    except Exception as exc:
        # The database is away: refuse the upgrade now rather than serve a deaf socket.
        hub.sessions.remove(conn)
        log.warning("could not set up a connection", error=repr(exc))
        await websocket.close(INTERNAL_ERROR)
        return
    if not known or not hub.sessions.holds(conn):
        # The account is gone, or its access was revoked while the classes loaded.
        hub.sessions.remove(conn)
        hub.detach(conn)
        await _refuse(websocket, protocol.UNAUTHORIZED, subprotocol)
        return
    try:
        await websocket.accept(subprotocol)
    except (WebSocketDisconnect, RuntimeError, OSError):
        hub.sessions.remove(conn)
        hub.detach(conn)
        return  # the client left during the handshake (ARCHITECTURE, pitfall 7)
    log.info("ws connect", user_id=str(principal.user_id), role=principal.role)
    metrics.CONNECTIONS.labels("ws").inc()
    socket.detach(conn)
