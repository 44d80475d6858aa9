"""`headcount db retally`: after marks and roll calls were changed outside Headcount, the
reports' monthly tallies are counted afresh, and the reports follow the marks again."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from headcount.store.database import Database
from headcount.store.tables import Attendance, AttendanceSession
from tests.contract.helpers import ok, run_session
from tests.contract.report_helpers import past_session, this_month
from tests.support.client import Account, Api
from tests.support.server import server_env

MARCH = "from=2025-03-01&to=2025-03-31"


def month() -> str:
    first, last = this_month()
    return f"from={first}&to={last}"


async def statuses(api: Api, teacher: Account, query: str) -> dict[str, tuple[int, ...]]:
    rows = ok(await api.request("GET", f"/reports/students?{query}", teacher.token))
    return {r["id"]: (r["sessions"], r["present"], r["late"], r["absent"]) for r in rows}


async def by_hand(url: str, session_id: str, student: Account, status: str) -> None:
    """What an operator's UPDATE does: the mark changes, and no tally hears of it."""
    database = Database(url)
    try:
        async with database.write() as conn:
            await conn.execute(
                update(Attendance)
                .where(
                    Attendance.session_id == uuid.UUID(session_id),
                    Attendance.student_id == uuid.UUID(student.id),
                )
                .values(status=status)
            )
    finally:
        await database.close()


async def tallied(url: str, class_id: str) -> list[Any]:
    database = Database(url)
    try:
        async with database.read() as conn:
            found = await conn.scalars(
                select(AttendanceSession.tallied)
                .where(AttendanceSession.class_id == uuid.UUID(class_id))
                .order_by(AttendanceSession.started_at)
            )
            return [bool(flag) for flag in found]
    finally:
        await database.close()


def retally(url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "headcount", "db", "retally"],
        cwd=cwd,
        env=server_env(url),
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_retally_counts_hand_made_changes(api: Api, tmp_path: Path) -> None:
    url = api.server.backend.database_url
    teacher, class_id, (ada, bo) = await api.classroom(2)
    done = await run_session(api, teacher, class_id, {ada.id: "present", bo.id: "present"})
    await past_session(api, teacher, class_id, date(2025, 3, 3), [(ada, "absent")], False)
    await by_hand(url, done.session_id, bo, "late")
    # The tally DONE left still says present: a change by hand goes around it.
    assert await statuses(api, teacher, month()) == {
        ada.id: (1, 1, 0, 0),
        bo.id: (1, 1, 0, 0),
    }
    assert await tallied(url, class_id) == [False, True]

    recounted = retally(url, tmp_path)
    assert recounted.returncode == 0, recounted.stderr
    assert re.fullmatch(r"Tallied \d+ finished roll calls afresh\.\n", recounted.stdout)

    assert await statuses(api, teacher, month()) == {
        ada.id: (1, 1, 0, 0),
        bo.id: (1, 0, 1, 0),
    }
    assert await tallied(url, class_id) == [True, True]
    # March's roll call is now read from its tally, with the same result.
    assert await statuses(api, teacher, MARCH) == {ada.id: (1, 0, 0, 1)}
