"""Each server's database: dropped and made afresh, then seeded. The teacher and classes go
through the API; students and rosters straight into the tables, one bcrypt hash reused by
every student, so that seeding 5,000 takes seconds."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import bcrypt
import httpx

from bench.config import PG, Config
from bench.servers import Server, api

PASSWORD = "bench-password-1"
TEACHER_EMAIL = "bench-teacher@example.com"


async def recreate_database(name: str, create: bool) -> None:
    conn = await asyncpg.connect(f"{PG}/postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def seed(http: httpx.AsyncClient, server: Server, students: int, cfg: Config) -> None:
    teacher = {"name": "Bench Teacher", "email": TEACHER_EMAIL, "password": PASSWORD}
    await api(http, server, "/auth/signup", {**teacher, "role": "teacher"})
    login = {"email": TEACHER_EMAIL, "password": PASSWORD}
    server.teacher_token = (await api(http, server, "/auth/login", login))["token"]
    rosters = {"c30": 30, "done": cfg.done_size} | {f"c{n}": n for n in cfg.sizes}
    for name in rosters:
        server.classes[name] = (await api(http, server, "/class", {"className": name}))["id"]
    ids = [uuid.uuid4() for _ in range(students)]
    server.students = [str(i) for i in ids]
    hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(10)).decode()
    users = [
        (i, f"Student {n}", f"bench-student-{n}@example.com", hashed) for n, i in enumerate(ids)
    ]
    conn = await asyncpg.connect(f"{PG}/{server.database}")
    try:
        if server.kind == "ours":
            await _ours(conn, server, ids, users, rosters)
        else:
            await _peer(conn, server, users, rosters)
    finally:
        await conn.close()


async def _ours(
    conn: asyncpg.Connection,
    server: Server,
    ids: list[uuid.UUID],
    users: list[tuple[uuid.UUID, str, str, str]],
    rosters: dict[str, int],
) -> None:
    """tables.py: a row per user and one per enrolment, in the teacher's school."""
    start = datetime.now(UTC)
    school = await conn.fetchval("SELECT school_id FROM users WHERE email = $1", TEACHER_EMAIL)
    await conn.copy_records_to_table(
        "users",
        records=[
            (*u, "student", start + timedelta(microseconds=n), school) for n, u in enumerate(users)
        ],
        columns=["id", "name", "email", "password_hash", "role", "created_at", "school_id"],
    )
    for name, size in rosters.items():
        rows = [
            (uuid.UUID(server.classes[name]), ids[n], start + timedelta(milliseconds=n))
            for n in range(size)
        ]
        await conn.copy_records_to_table(
            "enrollments", records=rows, columns=["class_id", "student_id", "enrolled_at"]
        )


async def _peer(
    conn: asyncpg.Connection,
    server: Server,
    users: list[tuple[uuid.UUID, str, str, str]],
    rosters: dict[str, int],
) -> None:
    """schema.ts: a class holds its roster as an array of student ids."""
    await conn.copy_records_to_table(
        "users",
        records=[(*u, "student") for u in users],
        columns=["id", "name", "email", "password", "role"],
    )
    for name, size in rosters.items():
        await conn.execute(
            "UPDATE classes SET student_ids = $1::text[] WHERE id = $2",
            server.students[:size],
            uuid.UUID(server.classes[name]),
        )
