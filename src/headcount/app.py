"""create_app(settings): the one place transports, middleware and services are wired."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import socketio
from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from headcount import logs
from headcount.http import errors, openapi
from headcount.http.access_log import AccessLog
from headcount.http.headers import SecurityHeaders
from headcount.http.limits import BodyLimit
from headcount.http.routes import attendance, auth, cache, classes, health, metrics, pages
from headcount.realtime import ws
from headcount.realtime.socketio_gateway import server_for
from headcount.services import Services
from headcount.settings import Settings, load_settings


def create_app(settings: Settings | None = None) -> socketio.ASGIApp:
    """The whole server: Socket.IO at /socket.io, everything else the FastAPI app."""
    settings = settings or load_settings()
    logs.configure(settings)
    services = Services.build(settings)
    api = create_api(services)
    return socketio.ASGIApp(server_for(services), other_asgi_app=api, socketio_path="socket.io")


def create_api(services: Services) -> FastAPI:
    settings = services.settings

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await services.start()
        try:
            yield
        finally:
            await services.close()

    app = FastAPI(
        title="Headcount",
        summary="Live attendance: roll calls over WebSocket, every mark stored durably.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.openapi = lambda: openapi.document(app)  # type: ignore[method-assign]
    app.state.services = services
    app.state.dispatcher = ws.Dispatcher(services)
    errors.install(app)
    routers = (auth, classes, attendance, cache, health, metrics, pages)
    for module in routers:
        app.include_router(module.router)
    app.mount("/static", pages.Assets(directory=pages.STATIC), name="static")
    app.add_api_websocket_route("/ws", ws.endpoint)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origin,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
    )
    app.add_middleware(BodyLimit)
    app.add_middleware(errors.CatchAll)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(AccessLog)
    return app
