"""What the domain announces after a change is committed; the hub turns these into broadcasts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from headcount.domain.views import Counts


@dataclass(frozen=True, slots=True)
class Marked:
    class_id: uuid.UUID
    student_id: uuid.UUID
    status: str


@dataclass(frozen=True, slots=True)
class Summarized:
    class_id: uuid.UUID
    counts: Counts


@dataclass(frozen=True, slots=True)
class Finished:
    class_id: uuid.UUID
    counts: Counts


@dataclass(frozen=True, slots=True)
class AudienceJoined:
    """`user_id` now hears `class_id`: its teacher created it, or a student was enrolled."""

    class_id: uuid.UUID
    user_id: uuid.UUID


Event = Marked | Summarized | Finished | AudienceJoined


class EventSink(Protocol):
    async def publish(self, event: Event) -> None: ...
