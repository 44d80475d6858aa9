"""Roster import time: 1,200 students, 60 teachers, 60 classes and 7,200 enrolments (each
student in six classes), first into an empty database, then the same file again (nothing
changes), then a delta that ends 600 enrolments; on SQLite and PostgreSQL, in-process.

    .venv/bin/python -m bench.roster_import [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

from headcount.roster.importer import RosterImports
from headcount.services import Services
from headcount.settings import load_settings
from headcount.store import migrate
from tests.support.backends import Backend
from tests.support.oneroster import OneRoster

STUDENTS, TEACHERS, CLASSES, PER_STUDENT = 1200, 60, 60, 6


def district() -> tuple[OneRoster, OneRoster]:
    """The whole roster (bulk), and a delta ending every student's first enrolment of two."""
    roster, delta = OneRoster(), OneRoster(mode="delta")
    school = "bench-school"
    roster.school(school, "Bench High")
    roster.term()
    roster.course("bench-course", school)
    for t in range(TEACHERS):
        roster.user(f"t{t}", "teacher", school, f"t{t}@bench.example.org", name=f"Teacher {t}")
    for c in range(CLASSES):
        roster.klass(f"c{c}", f"Class {c}", school, "bench-course")
        roster.enrol(f"e-t{c}", f"c{c}", f"t{c % TEACHERS}", "teacher", school)
    for s in range(STUDENTS):
        roster.user(f"s{s}", "student", school, f"s{s}@bench.example.org", name=f"Pupil {s}")
        for k in range(PER_STUDENT):
            klass = f"c{(s + k * 10) % CLASSES}"
            roster.enrol(f"e-s{s}-{k}", klass, f"s{s}", "student", school)
            if k == 0 and s % 2 == 0:
                delta.enrol(
                    f"e-s{s}-{k}",
                    klass,
                    f"s{s}",
                    "student",
                    school,
                    status="tobedeleted",
                    dateLastModified="2026-12-01T00:00:00.000Z",
                )
    return roster, delta


async def timed(imports: RosterImports, data: bytes, expected: dict[str, int]) -> float:
    """Seconds to import `data`; the report must count `expected` enrolments by outcome."""
    started = time.perf_counter()
    report = await imports.load(data, None, dry_run=False)
    elapsed = time.perf_counter() - started
    counted = {k: n for k, n in report.counts["enrollments"].items() if n}
    assert counted == expected, counted
    return elapsed


async def measure(full: bytes, delta: bytes) -> list[float]:
    settings = load_settings()
    services = Services.build(settings)
    try:
        enrolled = STUDENTS * PER_STUDENT
        return [
            await timed(services.imports, full, {"created": enrolled}),
            await timed(services.imports, full, {"unchanged": enrolled}),
            await timed(services.imports, delta, {"archived": STUDENTS // 2}),
        ]
    finally:
        await services.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    os.environ.setdefault("JWT_SECRET", "bench-secret-" + "x" * 32)
    roster, delta = district()
    full, changes = roster.zip(), delta.zip()
    print(
        f"roster zip {len(full) / 1024:.0f} KiB, {len(roster.rows['enrollments.csv'])} enrolments"
    )
    for kind in ("sqlite", "postgres"):
        runs = []
        for _ in range(rounds):
            with tempfile.TemporaryDirectory() as tmp, Backend.create(kind, Path(tmp)) as db:
                os.environ["DATABASE_URL"] = db.database_url
                migrate.upgrade(db.database_url)
                runs.append(asyncio.run(measure(full, changes)))
        for label, index in (("first import", 0), ("same again", 1), ("delta of 600", 2)):
            times = [run[index] for run in runs]
            print(
                f"{kind:9} {label:13} median {statistics.median(times):6.2f} s"
                f"  slowest {max(times):6.2f} s"
            )


if __name__ == "__main__":
    main()
