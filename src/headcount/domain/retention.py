"""How long the audit trail is kept (docs/records.md "Retention").

`attendance_events` gains a row for every mark and every absence `DONE` fills in, for ever.
Pruning deletes the events received before a cut-off and nothing else: the marks
(`attendance`) are the record every summary, history, matrix and CSV is read from, so they
read the same afterwards; only a pruned session's `GET .../events` comes back shorter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from headcount import clock
from headcount.store.database import Database
from headcount.store.tables import AttendanceEvent


@dataclass(frozen=True, slots=True)
class Pruned:
    before: datetime
    events: int


async def prune(db: Database, days: int, *, dry_run: bool) -> Pruned:
    """Delete (or, on a dry run, count) the audit events received more than `days` ago."""
    before = clock.now() - timedelta(days=days)
    old = AttendanceEvent.received_at < before
    async with db.write() as conn:
        if dry_run:
            count = await conn.scalar(select(func.count()).select_from(AttendanceEvent).where(old))
            return Pruned(before, int(count or 0))
        result = await conn.execute(delete(AttendanceEvent).where(old))
        return Pruned(before, result.rowcount)
