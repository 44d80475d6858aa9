"""The async engine, configured per backend, and the two ways to use it: read and write."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, Protocol

import asyncpg
from sqlalchemy import Select, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

_WRITE = "headcount_write"
# Connections of the asyncpg pool behind `Database.fetch`, out of the process's share.
FETCH_POOL_SIZE = 8
# What an operator's command over a whole database (a migration, `db prune`, `db retally`) may
# take: minutes over millions of marks, where DB_TIMEOUT's default is made for requests.
MAINTENANCE_TIMEOUT = 3600.0
AnySelect = Select[*tuple[Any, ...]]


class Row(Protocol):
    """A row read by `Database.fetch`: its columns by name."""

    def __getitem__(self, column: str, /) -> Any: ...


def async_url(url: str) -> str:
    """The driver-qualified URL for a `sqlite:///` or `postgresql://` setting."""
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url.removeprefix("sqlite:///")
    if url.startswith("postgresql://"):
        return "postgresql+asyncpg://" + url.removeprefix("postgresql://")
    return url


def _configure_sqlite(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over BEGIN from the driver, so writers can ask for BEGIN IMMEDIATE below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A writer takes the lock up front: a read that later upgrades to a write can fail
        # with SQLITE_BUSY in WAL mode no matter how long busy_timeout is.
        immediate = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


async def _unchanged(_connection: asyncpg.Connection) -> None:
    """The fetch pool's reset: nothing. Its statements leave no transaction, lock, LISTEN or
    setting behind (one the server refuses ends its own implicit transaction; one cancelled
    or timed out is terminated, not released), and asyncpg's default reset is a round trip
    per statement, as many as the statements themselves."""


class Database:
    def __init__(self, url: str, *, timeout: float = 5.0, pool_size: int = 20) -> None:
        self.url = async_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        self.timeout = timeout
        self._fetch_pool: asyncpg.Pool | None = None
        self._fetch_pool_opening = asyncio.Lock()
        self._compiled: dict[AnySelect, tuple[str, tuple[str, ...], dict[str, Any]]] = {}
        options: dict[str, Any] = {"pool_pre_ping": False}
        if self.is_sqlite:
            options["connect_args"] = {"timeout": timeout}
        else:
            options.update(
                # Overflow connections are closed on return, so re-opening them churns under
                # load: keep most open. 30 in all fits three processes in PostgreSQL's
                # default max_connections of 100.
                pool_size=pool_size - FETCH_POOL_SIZE,
                max_overflow=pool_size // 2,
                pool_timeout=timeout,
                connect_args={"timeout": timeout, "command_timeout": timeout},
            )
        self.engine = create_async_engine(self.url, **options)
        if self.is_sqlite:
            _configure_sqlite(self.engine, int(timeout * 1000))

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """Reads need no transaction; on PostgreSQL that saves a BEGIN and a ROLLBACK round
        trip each. SQLite keeps its own (local, free) transaction handling."""
        async with self.engine.connect() as connection:
            if not self.is_sqlite:
                await connection.execution_options(isolation_level="AUTOCOMMIT")
            yield connection

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """One transaction, committed on success and rolled back on any error."""
        async with self.engine.connect() as connection:
            if self.is_sqlite:
                await connection.execution_options(**{_WRITE: True})
            async with connection.begin():
                yield connection

    async def fetch(self, statement: AnySelect, **params: Any) -> Sequence[Row]:
        """The rows of a hot read, each a mapping of column name to value.

        On PostgreSQL the statement is compiled once and run on a plain asyncpg pool:
        SQLAlchemy's checkout, execution context and result processing cost more than half of
        GET /class/:id. Only for statements whose columns need no conversion by SQLAlchemy
        (text, numbers, UUIDs, timestamps). SQLite reads take the ordinary path.
        """
        if self.is_sqlite:
            async with self.read() as conn:
                return (await conn.execute(statement, params)).mappings().all()
        sql, names, values = self._compile(statement)
        values = {**values, **params}
        async with asyncio.timeout(self.timeout):
            pool = self._fetch_pool or await self._open_pool()
            held = await pool.acquire()
            try:
                return await held.fetch(sql, *(values[n] for n in names))
            except asyncpg.PostgresError:
                raise  # the server answered: the connection is fine
            except BaseException:
                # Failed, cancelled or timed out mid-command: releasing it as it is would wait
                # for the server to acknowledge a cancel, which a hung server never does.
                held.terminate()
                raise
            finally:
                await pool.release(held)

    def _compile(self, statement: AnySelect) -> tuple[str, tuple[str, ...], dict[str, Any]]:
        """The SQL, its parameters' names in order, and the values the statement itself gives
        (its literals); the caller's parameters fill in the rest."""
        known = self._compiled.get(statement)
        if known is None:
            compiled = statement.compile(dialect=self.engine.dialect)
            given = {name: value for name, value in compiled.params.items() if value is not None}
            known = (compiled.string, tuple(compiled.positiontup or ()), given)
            self._compiled[statement] = known
        return known

    async def _open_pool(self) -> asyncpg.Pool:
        async with self._fetch_pool_opening:
            if self._fetch_pool is None:
                dsn = self.engine.url.set(drivername="postgresql").render_as_string(False)
                self._fetch_pool = await asyncpg.create_pool(
                    dsn,
                    min_size=0,
                    max_size=FETCH_POOL_SIZE,
                    timeout=self.timeout,
                    reset=_unchanged,
                )
        return self._fetch_pool

    async def ping(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def close(self) -> None:
        if self._fetch_pool is not None:
            await self._fetch_pool.close()
        await self.engine.dispose()
