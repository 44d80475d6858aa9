"""Statements PostgreSQL runs per mark and per `DONE`, counted by the server itself.

A throwaway database logs every statement (`log_statement = 'all'`); the marks and the `DONE`
go through the domain layer (what every transport calls), and the lines PostgreSQL logged for
this database's backends are counted. Needs read access to the server's log (root on the
bench box). Run it against another checkout to compare: `PYTHONPATH=<checkout>/src`.

    .venv/bin/python -m bench.statements_per_mark [--marks 50] [--log PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import uuid
from pathlib import Path

import asyncpg

from headcount.domain.inputs import StartInput
from headcount.domain.marking import Mark
from headcount.security import Principal
from headcount.services import Services
from headcount.settings import load_settings
from headcount.store.migrate import upgrade
from headcount.store.tables import DEFAULT_SCHOOL_ID

PG = "postgresql://postgres@127.0.0.1:5432"
DATABASE = "headcount_statement_count"
UNMARKED = 30  # left for `DONE` to fill in
LOG = "/var/log/postgresql/postgresql-15-main.log"
# A logged statement: `statement: …` (simple protocol) or `execute <name>: …` (extended).
STATEMENT = re.compile(r"\[(\d+)\] (\S+ )?LOG:  (statement|execute [^:]*): ")


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(f"{PG}/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _backends() -> set[int]:
    conn = await asyncpg.connect(f"{PG}/postgres")
    try:
        rows = await conn.fetch("SELECT pid FROM pg_stat_activity WHERE datname = $1", DATABASE)
    finally:
        await conn.close()
    return {row["pid"] for row in rows}


def _count(log: Path, start: int, pids: set[int]) -> int:
    with log.open("rb") as file:
        file.seek(start)
        text = file.read().decode(errors="replace")
    return sum(1 for m in STATEMENT.finditer(text) if int(m.group(1)) in pids)


async def main(marks: int, log: Path) -> None:
    await _admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    await _admin(f'CREATE DATABASE "{DATABASE}"')
    url = f"{PG}/{DATABASE}"
    await asyncio.to_thread(upgrade, url)
    await _admin(f"ALTER DATABASE \"{DATABASE}\" SET log_statement = 'all'")
    os.environ["DATABASE_URL"] = url
    services = Services.build(load_settings())
    await services.start()
    try:
        accounts = services.accounts
        tag = uuid.uuid4().hex[:8]
        teacher_view = await accounts.create(
            "T", f"t-{tag}@example.com", "teacher", DEFAULT_SCHOOL_ID
        )
        teacher = Principal(uuid.UUID(teacher_view["id"]), "teacher")
        students = [
            uuid.UUID(
                (
                    await accounts.create(
                        "S", f"s{n}-{tag}@example.com", "student", DEFAULT_SCHOOL_ID
                    )
                )["id"]
            )
            for n in range(marks + 1 + UNMARKED)
        ]
        cls = await services.classes.create(teacher, "Counted")
        await services.rosters.enrol(teacher, cls["id"], students)
        class_id = uuid.UUID(cls["id"])
        await services.sessions.start(teacher, StartInput(classId=class_id))
        # Warm every pool connection and prepared statement, then count from here.
        await services.sessions.mark(
            teacher, class_id, Mark(students[0], "late", teacher.user_id, "ws")
        )
        start = await asyncio.to_thread(os.path.getsize, log)
        for student in students[1 : marks + 1]:
            await services.sessions.mark(
                teacher,
                class_id,
                Mark(student, "present", teacher.user_id, "ws", op_id=uuid.uuid4()),
            )
        marked = await asyncio.to_thread(os.path.getsize, log)
        await services.sessions.finish(teacher, class_id)
        pids = await _backends()
        await asyncio.sleep(0.5)  # the logger writes asynchronously
        per_mark = _count(log, start, pids) - _count(log, marked, pids)
        done = _count(log, marked, pids)
        print(f"marks: {marks}  statements: {per_mark}  per mark: {per_mark / marks:.2f}")
        print(f"DONE of {UNMARKED} unmarked: statements: {done}")
    finally:
        await services.close()
        await _admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--marks", type=int, default=50)
    parser.add_argument("--log", type=Path, default=Path(LOG))
    args = parser.parse_args()
    asyncio.run(main(args.marks, args.log))
