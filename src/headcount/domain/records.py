"""One student's attendance on one day, from the cache in front of the database (SPEC §6).

The cache is never the only copy: every mark is already committed when it is cached, reads
fall back to the database when the cache misses or is down, and an outage is logged once.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from headcount import clock, metrics
from headcount.cache import Cache, CacheError, CacheKey
from headcount.cache_writer import CacheWriter
from headcount.domain import access, errors
from headcount.domain.access import Need
from headcount.domain.views import CachedValue, StudentDay
from headcount.outage import Outage
from headcount.security import MANAGING_ROLES, Principal
from headcount.store.database import Database
from headcount.store.tables import Attendance, AttendanceSession


class Records:
    def __init__(self, db: Database, cache: Cache, default_ttl: int) -> None:
        self.db = db
        self.cache = cache
        self.default_ttl = default_ttl
        self.outage = Outage("cache")
        self.writer = CacheWriter(cache, self.outage)

    def key(self, class_id: uuid.UUID, student_id: uuid.UUID, session_started: datetime) -> str:
        """Marks are cached under the UTC date their session started."""
        return str(CacheKey(class_id, student_id, clock.as_utc(session_started).date()))

    def remember(
        self,
        class_id: uuid.UUID,
        student_id: uuid.UUID,
        session_started: datetime,
        value: CachedValue,
        ttl: int | None,
    ) -> None:
        """Cache a committed mark under the session's UTC start date, without waiting."""
        key = CacheKey(class_id, student_id, clock.as_utc(session_started).date())
        self.writer.put_soon(key, dict(value), ttl or self.default_ttl)

    async def _cached(self, key: CacheKey) -> dict[str, Any] | None:
        pending = self.writer.pending(key)
        if pending is not None:
            metrics.CACHE_LOOKUPS.labels("hit").inc()
            return pending
        try:
            found = await self.cache.get(key)
        except CacheError as exc:
            metrics.CACHE_LOOKUPS.labels("error").inc()
            self.outage.begun(exc)
            return None
        self.outage.over()
        metrics.CACHE_LOOKUPS.labels("miss" if found is None else "hit").inc()
        return found

    async def _stored(self, key: CacheKey) -> CachedValue:
        start = datetime.combine(key.day, datetime.min.time(), UTC)
        query = (
            select(Attendance.status, Attendance.marked_at)
            .join(AttendanceSession, AttendanceSession.id == Attendance.session_id)
            .where(
                Attendance.class_id == key.class_id,
                Attendance.student_id == key.student_id,
                AttendanceSession.started_at >= start,
                AttendanceSession.started_at < start + timedelta(days=1),
            )
            .order_by(AttendanceSession.started_at.desc())
            .limit(1)
        )
        async with self.db.read() as conn:
            row = (await conn.execute(query)).first()
        if row is None:
            return CachedValue(status=None, timestamp=None)
        return CachedValue(status=row.status, timestamp=clock.iso(row.marked_at))

    async def _authorize(self, who: Principal, key: CacheKey) -> None:
        """Teachers read their own classes; students read only their own entries."""
        async with self.db.read() as conn:
            facts = await access.facts_of(conn, who, key.class_id)
        manager = who.role in MANAGING_ROLES
        if facts is not None and not manager and key.student_id != who.user_id:
            raise errors.role_required("teacher")
        access.check(who, facts, Need.MANAGE if manager else Need.ATTEND)

    async def _lookup(self, key: CacheKey) -> tuple[CachedValue, str]:
        cached = await self._cached(key)
        if cached is None:
            return await self._stored(key), "database"
        return CachedValue(status=cached.get("status"), timestamp=cached.get("timestamp")), "cache"

    async def student_day(self, who: Principal, key: CacheKey) -> StudentDay:
        await self._authorize(who, key)
        value, source = await self._lookup(key)
        return StudentDay(
            classId=str(key.class_id),
            studentId=str(key.student_id),
            date=key.day.isoformat(),
            status=value["status"],
            timestamp=value["timestamp"],
            source=source,
        )

    async def value(self, who: Principal, key: CacheKey) -> CachedValue:
        await self._authorize(who, key)
        value, _ = await self._lookup(key)
        return value

    async def invalidate(
        self, teacher: Principal, raw_class_id: str, student_id: uuid.UUID | None
    ) -> int:
        class_id = access.class_id_from_path(raw_class_id)
        async with self.db.read() as conn:
            await access.require(conn, teacher, class_id, Need.MANAGE)
        try:
            count = await self.cache.invalidate(class_id, student_id)
        except CacheError as exc:
            self.outage.begun(exc)
            raise errors.unavailable() from exc
        self.outage.over()
        return count


def today() -> date:
    return datetime.now(UTC).date()
