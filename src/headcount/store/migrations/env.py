"""Alembic environment: async engines on both backends, batch mode for SQLite's ALTERs."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from headcount.store.database import MAINTENANCE_TIMEOUT, Database
from headcount.store.tables import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _online(url: str) -> None:
    database = Database(url, timeout=MAINTENANCE_TIMEOUT)
    try:
        async with database.engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await database.close()


asyncio.run(_online(context.config.attributes["database_url"]))
