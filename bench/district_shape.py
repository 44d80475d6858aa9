"""The district: classes of 30 students with a teacher each, written straight into the tables
by `COPY`, and where each of their sockets goes: which server, which load-client process.

Half the classes are spread over both servers socket by socket, as a round-robin balancer
would; the other half sit wholly on one server, as a balancer with affinity would place them.
The second half is what shows whether bus traffic follows listeners: a server holding nobody
of such a class must receive none of its messages.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
import bcrypt
import httpx

from bench.config import PG
from bench.seeding import PASSWORD, TEACHER_EMAIL
from bench.servers import Server, api

CLASS_SIZE = 30


@dataclass(frozen=True)
class Klass:
    id: str
    teacher: str
    students: list[str]
    spread: bool  # over both servers, or wholly on `home`
    home: int  # the server index of the teacher's socket

    def server_of(self, socket_no: int, servers: int) -> int:
        """The server of the class's socket `socket_no` (0 is the teacher's)."""
        return (self.home + socket_no) % servers if self.spread else self.home


@dataclass(frozen=True)
class Placement:
    lines: list[list[str]]  # per load-client process, its sockets (bench.district_load lines)
    listens: list[set[str]]  # per server, the classes it holds a socket of
    teaches: list[set[str]]  # per server, the classes whose teacher it holds
    sockets: list[int]  # per server
    reporters: dict[str, int]  # per class, how many load-client processes hold its sockets


async def seed_district(http: httpx.AsyncClient, server: Server, count: int) -> list[Klass]:
    """`count` classes of 30 enrolled students and their teachers, in the signed-up teacher's
    school; one bcrypt hash for everyone (tokens are minted, nobody logs in)."""
    teacher = {"name": "Bench Teacher", "email": TEACHER_EMAIL, "password": PASSWORD}
    await api(http, server, "/auth/signup", {**teacher, "role": "teacher"})
    hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(10)).decode()
    now = datetime.now(UTC)
    classes = [
        Klass(
            str(uuid.uuid4()),
            str(uuid.uuid4()),
            [str(uuid.uuid4()) for _ in range(CLASS_SIZE)],
            spread=n % 2 == 1,
            home=(n // 2) % 2,
        )
        for n in range(count)
    ]
    users = []
    for n, klass in enumerate(classes):
        users.append((klass.teacher, f"Teacher {n}", f"district-t{n}@example.com", "teacher"))
        users += [
            (s, f"Student {n}.{k}", f"district-s{n}.{k}@example.com", "student")
            for k, s in enumerate(klass.students)
        ]
    conn = await asyncpg.connect(f"{PG}/{server.database}")
    try:
        school = await conn.fetchval("SELECT school_id FROM users WHERE email = $1", TEACHER_EMAIL)
        await conn.copy_records_to_table(
            "users",
            records=[
                (uuid.UUID(i), name, email, hashed, role, now + timedelta(microseconds=n), school)
                for n, (i, name, email, role) in enumerate(users)
            ],
            columns=["id", "name", "email", "password_hash", "role", "created_at", "school_id"],
        )
        await conn.copy_records_to_table(
            "classes",
            records=[
                (uuid.UUID(k.id), f"District {n}", uuid.UUID(k.teacher), now, school)
                for n, k in enumerate(classes)
            ],
            columns=["id", "class_name", "teacher_id", "created_at", "school_id"],
        )
        await conn.copy_records_to_table(
            "enrollments",
            records=[
                (uuid.UUID(k.id), uuid.UUID(s), now + timedelta(milliseconds=n))
                for k in classes
                for n, s in enumerate(k.students)
            ],
            columns=["class_id", "student_id", "enrolled_at"],
        )
    finally:
        await conn.close()
    return classes


def place(classes: list[Klass], servers: list[Server], clients: int) -> Placement:
    """Every socket onto a server (see the module's note) and onto a load-client process, the
    processes taking sockets in turn so each holds a share of every class."""
    lines: list[list[str]] = [[] for _ in range(clients)]
    listens: list[set[str]] = [set() for _ in servers]
    teaches: list[set[str]] = [set() for _ in servers]
    sockets = [0] * len(servers)
    reporters: dict[str, int] = {}
    turn = 0
    for klass in classes:
        holders = set()
        teaches[klass.home].add(klass.id)
        people = [(klass.teacher, "teacher"), *((s, "student") for s in klass.students)]
        for n, (user, role) in enumerate(people):
            at = klass.server_of(n, len(servers))
            server = servers[at]
            listens[at].add(klass.id)
            sockets[at] += 1
            roster = ",".join(klass.students) if role == "teacher" else "-"
            line = f"{server.ws_url} {klass.id} {role} {roster} {server.token(user, role)}"
            lines[turn % clients].append(line)
            holders.add(turn % clients)
            turn += 1
        reporters[klass.id] = len(holders)
    return Placement(lines, listens, teaches, sockets, reporters)
