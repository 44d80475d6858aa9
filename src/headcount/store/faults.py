"""Which exceptions mean "the database cannot be reached in time", whichever path raised them:
SQLAlchemy, its pool, or asyncpg straight (`Database.fetch`)."""

from __future__ import annotations

import asyncio

import asyncpg
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

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
