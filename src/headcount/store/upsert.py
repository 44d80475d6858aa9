"""The two INSERT variants both backends speak, each in its own dialect."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


def dialect_insert(conn: AsyncConnection, table: Any) -> Any:
    module = postgresql if conn.dialect.name == "postgresql" else sqlite
    return module.insert(table)


def insert_ignoring_duplicates(conn: AsyncConnection, table: Any) -> Any:
    return dialect_insert(conn, table).on_conflict_do_nothing()
