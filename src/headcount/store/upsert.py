"""The two INSERT variants both backends speak, each in its own dialect."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


def dialect_insert(conn: AsyncConnection, table: Any) -> Any:
    module = postgresql if conn.dialect.name == "postgresql" else sqlite
    return module.insert(table)


@cache
def upsert(dialect: str, table: Any, keys: tuple[str, ...], updated: tuple[str, ...]) -> Any:
    """INSERT … ON CONFLICT (`keys`) DO UPDATE `updated` to the inserted values; built once per
    dialect and run with each row's values as parameters."""
    statement = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: statement.excluded[name] for name in updated}
    )


def insert_ignoring_duplicates(conn: AsyncConnection, table: Any) -> Any:
    return dialect_insert(conn, table).on_conflict_do_nothing()
