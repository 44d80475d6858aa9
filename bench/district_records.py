"""School-wide reports on a generated district (issue [records] item 2): 10,000 students in
400 classes of 100 (each student in 4), every class meeting on each of 180 school days, so
7.2 million marks; written with COPY into a throwaway PostgreSQL database at revision 0009 and
migrated (timing 0010's tallies of the year), then each report timed in-process as the
district's administrator (every class) over the whole year, and its plan printed by EXPLAIN
ANALYZE.

    .venv/bin/python -m bench.district_records [--students N] [--days N] [--rounds N] [--keep]
    .venv/bin/python -m bench.district_records --reuse postgresql://…/headcount_bench_…

`--keep` leaves the database (and prints its URL) so that `--reuse` can measure it again.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import select

from headcount.domain import report_queries as q
from headcount.security import Principal
from headcount.store import migrate
from headcount.store.database import Database
from headcount.store.tables import Class, User
from tests.support.backends import POSTGRES_ADMIN_URL, Backend

PER_STUDENT, CLASS_SIZE, SCHOOLS = 4, 100, 10
FIRST_DAY = date(2025, 9, 1)  # a Monday
CREATED = datetime(2025, 8, 1, tzinfo=UTC)


def school_days(count: int) -> list[date]:
    days: list[date] = []
    day = FIRST_DAY
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


class District:
    """Ids and shapes, decided before anything is written; the same seed, the same district."""

    def __init__(self, students: int, days: int) -> None:
        self.random = random.Random(17)
        self.district = uuid.uuid4()
        self.schools = [uuid.uuid4() for _ in range(SCHOOLS)]
        self.admin = uuid.uuid4()
        self.students = [uuid.uuid4() for _ in range(students)]
        self.classes = [uuid.uuid4() for _ in range(students * PER_STUDENT // CLASS_SIZE)]
        self.teachers = [uuid.uuid4() for _ in self.classes]
        self.days = school_days(days)
        # Most students miss 4% of their sessions, one in eight misses 20%: the chronic ones.
        self.miss = [0.2 if self.random.random() < 0.125 else 0.04 for _ in self.students]

    def roster(self, klass: int) -> range:
        """Class k holds a contiguous block of students, each student in PER_STUDENT blocks."""
        blocks = len(self.classes) // PER_STUDENT
        start = (klass % blocks) * CLASS_SIZE
        return range(start, start + CLASS_SIZE)

    def meets(self, klass: int, day: int) -> bool:
        # Every 20th class skips the last day: "not taken today" has something to find.
        return not (day == len(self.days) - 1 and klass % 20 == 0)

    def status(self, student: int) -> str:
        roll = self.random.random()
        miss = self.miss[student]
        if roll < miss * 0.8:
            return "absent"
        if roll < miss:
            return "excused"
        return "late" if roll < miss + 0.05 else "present"


def _users(d: District) -> Iterator[tuple[Any, ...]]:
    def user(uid: uuid.UUID, role: str, n: int, school: uuid.UUID) -> tuple[Any, ...]:
        return (uid, f"{role.title()} {n}", f"{role}{n}@bench.example.org", role, CREATED, school)

    yield user(d.admin, "admin", 0, d.district)
    for n, uid in enumerate(d.teachers):
        yield user(uid, "teacher", n, d.schools[n % SCHOOLS])
    for n, uid in enumerate(d.students):
        yield user(uid, "student", n, d.schools[n % SCHOOLS])


async def generate(url: str, d: District) -> int:
    """Writes the district with COPY; returns the number of marks."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        orgs: list[tuple[Any, ...]] = [(d.district, "Bench District", "district", None, CREATED)]
        orgs += [(s, f"School {n}", "school", d.district, CREATED) for n, s in enumerate(d.schools)]
        await conn.copy_records_to_table(
            "orgs", records=orgs, columns=("id", "name", "type", "parent_id", "created_at")
        )
        await conn.copy_records_to_table(
            "users",
            records=list(_users(d)),
            columns=("id", "name", "email", "role", "created_at", "school_id"),
        )
        classes = [
            (c, f"Class {n}", d.teachers[n], CREATED, d.schools[n % SCHOOLS])
            for n, c in enumerate(d.classes)
        ]
        await conn.copy_records_to_table(
            "classes",
            records=classes,
            columns=("id", "class_name", "teacher_id", "created_at", "school_id"),
        )
        enrolled = [
            (c, d.students[s], CREATED) for n, c in enumerate(d.classes) for s in d.roster(n)
        ]
        await conn.copy_records_to_table(
            "enrollments", records=enrolled, columns=("class_id", "student_id", "enrolled_at")
        )
        marks = 0
        for index, day in enumerate(d.days):
            sessions, rows = [], []
            for n, klass in enumerate(d.classes):
                if not d.meets(n, index):
                    continue
                sid = uuid.uuid4()
                start = datetime(day.year, day.month, day.day, 8 + n % 6, tzinfo=UTC)
                sessions.append((sid, klass, d.teachers[n], start, start + timedelta(minutes=50)))
                rows += [(sid, klass, d.students[s], d.status(s), start, "ws") for s in d.roster(n)]
            await conn.copy_records_to_table(
                "attendance_sessions",
                records=sessions,
                columns=("id", "class_id", "started_by", "started_at", "ended_at"),
            )
            await conn.copy_records_to_table(
                "attendance",
                records=rows,
                columns=("session_id", "class_id", "student_id", "status", "marked_at", "source"),
            )
            marks += len(rows)
        await conn.execute("VACUUM ANALYZE")  # what autovacuum does after a load
        return marks
    finally:
        await conn.close()


def statements(d: District, within: Any, mine: Any) -> dict[str, Any]:
    first, last = d.days[0], d.days[-1]
    return {
        "students": q.totals(within, first, last, True),
        "students (a teacher)": q.totals(mine, first, last, True),
        "chronic-absence": q.chronic(within, first, last, True, 0.1, 10),
        "absence-streaks": q.streaks(within, first, last, True, 3),
        "not-taken": q.not_taken(within, last),
    }


async def vacuum(url: str) -> None:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


async def admin_of(url: str) -> uuid.UUID:
    database = Database(url)
    try:
        async with database.read() as conn:
            found = await conn.scalar(select(User.id).where(User.role == "admin"))
    finally:
        await database.close()
    assert isinstance(found, uuid.UUID)
    return found


async def measure(url: str, d: District, rounds: int) -> None:
    # The server's DB_TIMEOUT would cut a slow report short; here we want to see how slow.
    database = Database(url, timeout=600)
    try:
        async with database.read() as conn:
            admin = Principal(d.admin, "admin")
            within = q.scope(admin, list((await conn.scalars(q.schools(admin))).all()))
            teacher = await conn.scalar(select(Class.teacher_id).limit(1))
            assert teacher is not None
            mine = q.scope(Principal(teacher, "teacher"), [])
            for name, statement in statements(d, within, mine).items():
                times, count = [], 0
                for _ in range(rounds):
                    started = time.perf_counter()
                    count = len((await conn.execute(statement)).all())
                    times.append(time.perf_counter() - started)
                print(
                    f"{name:20} {count:7} rows  median {statistics.median(times):6.2f} s"
                    f"  slowest {max(times):6.2f} s"
                )
                compiled = statement.compile(
                    dialect=conn.dialect, compile_kwargs={"render_postcompile": True}
                )
                params = tuple(compiled.params[key] for key in compiled.positiontup or ())
                plan = await conn.exec_driver_sql(
                    "EXPLAIN (ANALYZE, BUFFERS) " + compiled.string, params
                )
                print("\n".join(f"    {line}" for (line,) in plan))
    finally:
        await database.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="Leave the database.")
    parser.add_argument("--reuse", help="Measure this database, generated with --keep.")
    args = parser.parse_args()
    os.environ.setdefault("JWT_SECRET", "bench-secret-" + "x" * 32)
    d = District(args.students, args.days)
    if args.reuse:
        migrate.upgrade(args.reuse)
        asyncio.run(vacuum(args.reuse))
        d.admin = asyncio.run(admin_of(args.reuse))
        asyncio.run(measure(args.reuse, d, args.rounds))
        return
    if args.keep:
        name = f"headcount_bench_{uuid.uuid4().hex[:8]}"
        subprocess.run(["psql", POSTGRES_ADMIN_URL, "-c", f'CREATE DATABASE "{name}"'], check=True)
        url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
        print(f"kept: {url}", flush=True)
        run(url, d, args.rounds)
        return
    with tempfile.TemporaryDirectory() as tmp, Backend.create("postgres", Path(tmp)) as db:
        run(db.database_url, d, args.rounds)


def run(url: str, d: District, rounds: int) -> None:
    # Written as a database from before the tallies holds a year (revision 0009), then
    # migrated: 0010 tallies every finished roll call, as it would on a real upgrade.
    migrate.upgrade(url, "0009")
    started = time.perf_counter()
    marks = asyncio.run(generate(url, d))
    print(
        f"{len(d.students)} students, {len(d.classes)} classes, {len(d.days)} days: "
        f"{marks} marks written in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    started = time.perf_counter()
    migrate.upgrade(url)
    asyncio.run(vacuum(url))
    print(f"tallied by migration 0010 in {time.perf_counter() - started:.0f} s", flush=True)
    asyncio.run(measure(url, d, rounds))


if __name__ == "__main__":
    main()
