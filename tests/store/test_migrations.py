"""The one migration chain runs up, down and up again on both backends."""

from __future__ import annotations

import asyncio

from sqlalchemy import inspect

from headcount.store import migrate
from headcount.store.database import Database
from headcount.store.tables import Base
from tests.support.backends import Backend


async def _tables(url: str) -> set[str]:
    database = Database(url)
    try:
        async with database.read() as conn:
            names = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
    finally:
        await database.close()
    return set(names) - {"alembic_version"}


def test_upgrade_downgrade_upgrade(fresh_backend: Backend) -> None:
    url = fresh_backend.database_url
    migrate.upgrade(url)
    assert asyncio.run(_tables(url)) == set(Base.metadata.tables)
    migrate.downgrade(url, "base")
    assert asyncio.run(_tables(url)) == set()
    migrate.upgrade(url)
    assert asyncio.run(_tables(url)) == set(Base.metadata.tables)


def test_tables_match_the_models(fresh_backend: Backend) -> None:
    """Autogenerate finds nothing to do: the migrations build exactly what tables.py declares."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    url = fresh_backend.database_url
    migrate.upgrade(url)

    async def diff() -> list[object]:
        database = Database(url)
        try:
            async with database.read() as conn:
                return await conn.run_sync(
                    lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
                )
        finally:
            await database.close()

    assert asyncio.run(diff()) == []
