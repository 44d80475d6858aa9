"""Every failure, whatever raised it, leaves as the failure envelope with the contract's text."""

from __future__ import annotations

import asyncio

import asyncpg
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import Scope

from headcount.domain.errors import DomainError, Kind
from headcount.http.envelope import fail

log = structlog.get_logger(__name__)

STATUS_OF_KIND = {
    Kind.INVALID: 400,
    Kind.UNAUTHORIZED: 401,
    Kind.FORBIDDEN: 403,
    Kind.NOT_FOUND: 404,
    Kind.CONFLICT: 409,
    Kind.TOO_MANY: 429,
    Kind.TOO_LARGE: 413,
    Kind.UNAVAILABLE: 503,
}
MESSAGE_OF_STATUS = {
    400: "Invalid request schema",
    401: "Unauthorized, token missing or invalid",
    404: "Not found",
    405: "Method not allowed",
    413: "Request body too large",
    415: "Invalid request schema",
    429: "Too many requests",
    503: "Service unavailable",
}
# What a database or its pool raises when it cannot be reached in time, through SQLAlchemy
# or straight from asyncpg (`Database.fetch`).
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    asyncio.TimeoutError,
    PoolTimeout,
    InterfaceError,
    OperationalError,
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.TooManyConnectionsError,
)


def is_unavailable(exc: BaseException) -> bool:
    if isinstance(exc, DBAPIError) and not isinstance(exc, InterfaceError | OperationalError):
        return bool(exc.connection_invalidated)
    return isinstance(exc, UNAVAILABLE_ERRORS)


async def _domain(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    headers = None if exc.retry_after is None else {"Retry-After": str(exc.retry_after)}
    return fail(STATUS_OF_KIND[exc.kind], exc.message, headers)


async def _http(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = MESSAGE_OF_STATUS.get(exc.status_code, "Internal server error")
    return fail(exc.status_code, message, headers=exc.headers)


async def _validation(_: Request, __: Exception) -> Response:
    return fail(400, "Invalid request schema")


def unexpected(scope: Scope, exc: Exception) -> Response:
    """Anything no handler took: 503 when a service cannot be reached, else 500."""
    if is_unavailable(exc):
        log.warning("service unavailable", path=scope["path"], error=repr(exc))
        return fail(503, "Service unavailable")
    log.exception("unhandled error", path=scope["path"])
    return fail(500, "Internal server error")


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(RequestValidationError, _validation)
