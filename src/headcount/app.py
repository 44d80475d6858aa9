"""create_app(settings): the one place transports, middleware and services are wired."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import socketio
from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from headcount import logs
from headcount.http import errors, openapi
from headcount.http.edge import Edge
from headcount.http.routes import (
    admin,
    attendance,
    auth,
    cache,
    classes,
    corrections,
    docs,
    guardian,
    health,
    metrics,
    pages,
    reports,
    webhooks,
)
from headcount.realtime import ws
from headcount.realtime.socketio_gateway import server_for
from headcount.services import Services
from headcount.settings import Settings, load_settings


def create_app(settings: Settings | None = None) -> ASGIApp:
    """The whole server: /ws, Socket.IO at /socket.io, everything else the FastAPI app.

    /ws is routed first and directly: every layer a socket passes through keeps a suspended
    frame for as long as the socket is open, and /ws needs none of the HTTP middleware.
    """
    settings = settings or load_settings()
    logs.configure(settings)
    services = Services.build(settings)
    live = ws.WebSocketApp(services)
    rest = socketio.ASGIApp(
        server_for(services), other_asgi_app=create_api(services), socketio_path="socket.io"
    )

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"] == ws.PATH:
            await live(scope, receive, send)
        else:
            await rest(scope, receive, send)

    return app


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
        docs_url=None,  # our own /docs (routes/docs.py): FastAPI's loads Swagger UI from a CDN
        redoc_url=None,  # ReDoc would need a CDN too; /docs shows the same document
        # Metrics are Prometheus's (/metrics) and logs structlog's. FastAPI's OpenTelemetry
        # would otherwise ask the global providers on every request whether it is wanted: a
        # thirtieth of a cheap request's time, for spans nobody collects.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.openapi = lambda: openapi.document(app)  # type: ignore[method-assign]
    app.state.services = services
    errors.install(app)
    routers = (
        auth,
        admin,
        webhooks,
        guardian,
        classes,
        attendance,
        corrections,
        reports,
        cache,
        health,
        metrics,
        pages,
        docs,
    )
    for module in routers:
        app.include_router(module.router)
    app.mount("/static", pages.Assets(directory=pages.STATIC), name="static")
    app.mount(docs.SWAGGER_UI_PATH, pages.Assets(directory=docs.SWAGGER_UI), name="swagger-ui")
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origin,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
    )
    app.add_middleware(Edge)
    return app
