"""`headcount db prune`: the audit trail's retention, as an operator runs it. Pruning takes
events only; every read of the marks is the same before and after, on both backends."""

from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from headcount.store.database import Database
from headcount.store.tables import AttendanceEvent
from tests.contract.helpers import FinishedSession, ok, run_session
from tests.support.backends import Backend
from tests.support.client import Account, Api
from tests.support.server import server_env, start_server


def prune(url: str, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "headcount", "db", "prune", *args],
        cwd=cwd,
        env=server_env(url, **env),
        capture_output=True,
        text=True,
        timeout=120,
    )


async def age_events(url: str, session_id: str, days: int) -> int:
    """Make a session's audit events `days` old; returns how many it has."""
    database = Database(url)
    try:
        async with database.write() as conn:
            old = datetime.now(UTC) - timedelta(days=days)
            session = AttendanceEvent.session_id == uuid.UUID(session_id)
            await conn.execute(update(AttendanceEvent).where(session).values(received_at=old))
            count = await conn.scalar(select(func.count()).where(session))
    finally:
        await database.close()
    return int(count or 0)


async def every_read(api: Api, teacher: Account, class_id: str, student: Account) -> list[Any]:
    """Each read of a class's record: sessions, matrix, CSV, a student's status and history,
    and the per-student report."""
    paths = [f"/class/{class_id}/sessions", f"/class/{class_id}/attendance"]
    reads: list[Any] = [ok(await api.request("GET", path, teacher.token)) for path in paths]
    csv = await api.request("GET", f"/class/{class_id}/attendance?format=csv", teacher.token)
    reads.append(csv.text)
    for path in ("my-attendance", "my-history"):
        reads.append(ok(await api.request("GET", f"/class/{class_id}/{path}", student.token)))
    reads.append(ok(await api.request("GET", "/reports/students", teacher.token)))
    return reads


async def events(api: Api, teacher: Account, class_id: str, session: FinishedSession) -> Any:
    path = f"/class/{class_id}/sessions/{session.session_id}/events"
    return ok(await api.request("GET", path, teacher.token))


@pytest.mark.parametrize("configured", [False, True])
async def test_prune_takes_old_events_and_leaves_every_mark(
    fresh_backend: Backend, tmp_path: Path, configured: bool
) -> None:
    url = fresh_backend.database_url
    with start_server(fresh_backend, workdir=tmp_path) as server:
        async with Api(server) as api:
            teacher, class_id, (first, second) = await api.classroom(2)
            old = await run_session(api, teacher, class_id, {first.id: "present"})
            recent = await run_session(api, teacher, class_id, {second.id: "late"})
            # One mark and one absence DONE filled in, in each session.
            assert await age_events(url, old.session_id, 40) == 2
            kept = await events(api, teacher, class_id, recent)
            assert len(kept) == 2
            before = await every_read(api, teacher, class_id, first)

            args, env = (
                (("--days", "30"), {}) if not configured else ((), {"AUDIT_RETENTION_DAYS": "30"})
            )
            dry = prune(url, tmp_path, *args, "--dry-run", **env)
            assert dry.returncode == 0, dry.stderr
            assert dry.stdout.startswith("Would delete 2 audit events received before "), dry.stdout
            assert len(await events(api, teacher, class_id, old)) == 2

            done = prune(url, tmp_path, *args, **env)
            assert done.returncode == 0, done.stderr
            assert done.stdout.startswith("Deleted 2 audit events received before "), done.stdout
            assert await events(api, teacher, class_id, old) == []
            assert await events(api, teacher, class_id, recent) == kept
            assert await every_read(api, teacher, class_id, first) == before

            again = prune(url, tmp_path, *args, **env)
            assert again.stdout.startswith("Deleted 0 audit events"), again.stdout


async def test_without_retention_nothing_is_pruned(fresh_backend: Backend, tmp_path: Path) -> None:
    url = fresh_backend.database_url
    with start_server(fresh_backend, workdir=tmp_path) as server:
        async with Api(server) as api:
            teacher, class_id, (student,) = await api.classroom(1)
            session = await run_session(api, teacher, class_id, {student.id: "present"})
            await age_events(url, session.session_id, 4000)
            for args, env in (((), {}), (("--days", "0"), {"AUDIT_RETENTION_DAYS": "30"})):
                kept = prune(url, tmp_path, *args, **env)
                assert kept.returncode == 0, kept.stderr
                assert kept.stdout.startswith("Audit events are kept forever"), kept.stdout
            assert len(await events(api, teacher, class_id, session)) == 1


@pytest.mark.parametrize(
    ("args", "env"),
    [(("--days", "-1"), {}), (("--days", "x"), {}), ((), {"AUDIT_RETENTION_DAYS": "-5"})],
)
def test_a_bad_retention_is_refused(tmp_path: Path, args: tuple[str, ...], env: Any) -> None:
    refused = prune(f"sqlite:///{tmp_path / 'x.db'}", tmp_path, *args, **env)
    assert refused.returncode == 2
    assert "AUDIT_RETENTION_DAYS" in refused.stderr or "--days" in refused.stderr
