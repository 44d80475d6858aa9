"""What the domain announces after a change is committed.

Class events are news for a class's live audience; the fan-out layer delivers them and each
transport spells them its own way. Audience events change who hears a class, and access
events end connections; neither is ever shown to a client.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from headcount.domain.views import Counts


@dataclass(frozen=True, slots=True)
class Marked:
    class_id: uuid.UUID
    student_id: uuid.UUID
    status: str


@dataclass(frozen=True, slots=True)
class Amended:
    """A finished roll call's mark was corrected."""

    class_id: uuid.UUID
    session_id: uuid.UUID
    student_id: uuid.UUID
    status: str
    previous: str


@dataclass(frozen=True, slots=True)
class Summarized:
    class_id: uuid.UUID
    counts: Counts


@dataclass(frozen=True, slots=True)
class Finished:
    class_id: uuid.UUID
    counts: Counts


@dataclass(frozen=True, slots=True)
class SessionOpened:
    class_id: uuid.UUID
    session_id: uuid.UUID
    started_at: datetime


@dataclass(frozen=True, slots=True)
class AudienceJoined:
    """`user_id` now hears `class_id`: its teacher created it, or a student was enrolled."""

    class_id: uuid.UUID
    user_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class AudienceLeft:
    """`user_id` no longer hears `class_id`: a student was unenrolled, a class handed over."""

    class_id: uuid.UUID
    user_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class ClassChanged:
    """A class was renamed, archived or restored: what any process remembers of it is stale."""

    class_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class AccountChanged:
    """An account's name, e-mail or school changed: what any process remembers of it is stale."""

    user_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class AccessRevoked:
    """A user's tokens stopped being good: a single one (`token_id`), or every one but `keep`
    (None: every one). Their open connections close at once, on every process, and what any
    process remembers of the account is dropped."""

    user_id: uuid.UUID
    token_id: str | None = None
    keep: str | None = None


ClassEvent = Marked | Amended | Summarized | Finished | SessionOpened
AudienceEvent = AudienceJoined | AudienceLeft
Event = ClassEvent | AudienceEvent | ClassChanged | AccountChanged | AccessRevoked


class EventSink(Protocol):
    async def publish(self, event: Event) -> None: ...
