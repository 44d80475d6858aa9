"""The INSERT variants both backends speak, each in its own dialect."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


def _insert(dialect: str, table: Any) -> Any:
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


@cache
def upsert(
    dialect: str,
    table: Any,
    keys: tuple[str, ...],
    updated: tuple[str, ...],
    where: Callable[[Any], Any] | None = None,
) -> Any:
    """INSERT … ON CONFLICT (`keys`) DO UPDATE `updated` to the inserted values, only where
    `where(excluded)` holds when given; built once per dialect and run with each row's values
    as parameters."""
    statement = _insert(dialect, table)
    return statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: statement.excluded[name] for name in updated},
        where=None if where is None else where(statement.excluded),
    )


def insert_ignoring_duplicates(conn: AsyncConnection, table: Any) -> Any:
    return _insert(conn.dialect.name, table).on_conflict_do_nothing()


@cache
def upsert_adding(dialect: str, table: Any, keys: tuple[str, ...]) -> Any:
    """INSERT … ON CONFLICT (`keys`) DO UPDATE adding each inserted count to the stored one."""
    statement = _insert(dialect, table)
    return statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={
            column.name: column + statement.excluded[column.name]
            for column in statement.table.c
            if column.name not in keys
        },
    )
