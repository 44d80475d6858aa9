"""What a process remembers of its classes for reading them: name, teacher, school, roster.

A class is read far more often than it changes, so each process keeps what it loaded for up to
KNOWN_SECONDS, and forgets a class as soon as the bus says its row or roster changed
(`ClassChanged`, `AudienceJoined`, `AudienceLeft`, heard by every process). A load that raced
such news is served once but not remembered (the memo's generation), so a stale answer never
outlives the message; the time limit only bounds a message lost with the bus.

Only facts of the class are remembered. Who may read it is decided per caller, every time.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from sqlalchemy import bindparam, select

from headcount.domain.events import AudienceJoined, AudienceLeft, ClassChanged, Event
from headcount.memo import Memo
from headcount.store.database import Database
from headcount.store.tables import Class, Enrollment

KNOWN_SECONDS = 30.0
KNOWN_LIMIT = 10_000
ROSTER_ORDER = (Enrollment.enrolled_at, Enrollment.student_id)
# A class and its roster's ids in one round trip (one row with no student for an empty class);
# built once, so SQLAlchemy finds its compiled form without rebuilding the statement.
_CLASS = (
    select(Class.class_name, Class.teacher_id, Class.school_id, Enrollment.student_id)
    .outerjoin(Enrollment, Enrollment.class_id == Class.id)
    .where(Class.id == bindparam("class_id"))
    .order_by(*ROSTER_ORDER)
)


@dataclass(frozen=True, slots=True)
class KnownClass:
    class_name: str
    teacher_id: uuid.UUID
    school_id: uuid.UUID
    student_ids: tuple[uuid.UUID, ...]  # in roster order


class KnownClasses:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._known: Memo[uuid.UUID, KnownClass] = Memo(KNOWN_LIMIT)

    def heard(self, event: Event) -> None:
        """The hub's watcher: a class whose row or roster changed is read afresh."""
        if isinstance(event, AudienceJoined | AudienceLeft | ClassChanged):
            self._known.drop(event.class_id)

    async def get(self, class_id: uuid.UUID) -> KnownClass | None:
        """The class, or None if there is none (never remembered: it may be made next)."""
        now = time.monotonic()
        known = self._known.get(class_id, now)
        if known is not None:
            return known
        since = self._known.generation
        rows = await self.db.fetch(_CLASS, class_id=class_id)
        if not rows:
            return None
        first = rows[0]
        known = KnownClass(
            first["class_name"],
            first["teacher_id"],
            first["school_id"],
            tuple(row["student_id"] for row in rows if row["student_id"] is not None),
        )
        self._known.put(class_id, known, now + KNOWN_SECONDS, since)
        return known
