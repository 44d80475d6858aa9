"""The domain called directly, on a migrated database of each backend."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from headcount.cache import MemoryCache
from headcount.domain.accounts import Accounts
from headcount.domain.classes import Classes
from headcount.domain.events import Event
from headcount.domain.history import History
from headcount.domain.inputs import SignupInput
from headcount.domain.records import Records
from headcount.domain.sessions import Sessions
from headcount.domain.throttle import Throttle
from headcount.security import Passwords, Principal, Tokens
from headcount.store import migrate
from headcount.store.database import Database
from tests.support.backends import Backend


@dataclass
class Recorder:
    """The event sink, keeping what the domain announced."""

    events: list[Event] = field(default_factory=list)

    async def publish(self, event: Event) -> None:
        self.events.append(event)


@dataclass
class Domain:
    accounts: Accounts
    classes: Classes
    sessions: Sessions
    history: History
    recorder: Recorder

    async def user(self, role: str) -> Principal:
        view = await self.accounts.signup(
            SignupInput(
                name=role, email=f"{uuid.uuid4().hex}@d.example.com", password="secret", role=role
            ),
            None,
        )
        return Principal(uuid.UUID(view["id"]), view["role"])  # type: ignore[arg-type]

    async def classroom(self, students: int) -> tuple[Principal, uuid.UUID, list[Principal]]:
        teacher = await self.user("teacher")
        class_id = uuid.UUID((await self.classes.create(teacher, "Class"))["id"])
        enrolled = [await self.user("student") for _ in range(students)]
        for student in enrolled:
            await self.classes.add_student(teacher, str(class_id), student.user_id)
        return teacher, class_id, enrolled


@pytest.fixture
async def domain(fresh_backend: Backend) -> AsyncIterator[Domain]:
    # Alembic's env.py runs its own event loop, so it cannot share this one.
    await asyncio.to_thread(migrate.upgrade, fresh_backend.database_url)
    database = Database(fresh_backend.database_url)
    recorder = Recorder()
    throttle = Throttle(
        None,
        signups="5/minute",
        login_email="5/minute",
        login_address="5/minute",
        wrong_codes="5/minute",
    )
    accounts = Accounts(database, Passwords(4), Tokens("k" * 32, 3600), throttle)
    try:
        yield Domain(
            accounts=accounts,
            classes=Classes(database, recorder, accounts),
            sessions=Sessions(
                database,
                recorder,
                Records(database, MemoryCache(), 3600),
                throttle,
            ),
            history=History(database, excused_counts_against_rate=True),
            recorder=recorder,
        )
    finally:
        await database.close()
