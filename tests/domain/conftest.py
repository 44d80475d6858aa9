"""The domain called directly, on a migrated database of each backend."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from headcount.domain.accounts import Accounts
from headcount.domain.classes import Classes
from headcount.domain.events import Event
from headcount.domain.history import History
from headcount.domain.inputs import SignupInput
from headcount.domain.rosters import Rosters
from headcount.domain.sessions import Sessions
from headcount.security import Principal
from headcount.services import Services
from headcount.settings import load_settings
from headcount.store import migrate
from tests.support.backends import Backend


@dataclass
class Recorder:
    """Watches the hub, keeping every event the domain announced."""

    events: list[Event] = field(default_factory=list)

    def heard(self, event: Event) -> None:
        self.events.append(event)


@dataclass
class Domain:
    services: Services
    recorder: Recorder

    @property
    def accounts(self) -> Accounts:
        return self.services.accounts

    @property
    def classes(self) -> Classes:
        return self.services.classes

    @property
    def rosters(self) -> Rosters:
        return self.services.rosters

    @property
    def sessions(self) -> Sessions:
        return self.services.sessions

    @property
    def history(self) -> History:
        return self.services.history

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
        await self.rosters.enrol(teacher, str(class_id), [s.user_id for s in enrolled])
        return teacher, class_id, enrolled


@pytest.fixture
async def domain(fresh_backend: Backend) -> AsyncIterator[Domain]:
    # Alembic's env.py runs its own event loop, so it cannot share this one.
    await asyncio.to_thread(migrate.upgrade, fresh_backend.database_url)
    settings = load_settings(
        database_url=fresh_backend.database_url, jwt_secret="k" * 32, bcrypt_rounds=4
    )
    services = Services.build(settings)
    recorder = Recorder()
    services.hub.watchers.append(recorder.heard)
    await services.start()
    try:
        yield Domain(services, recorder)
    finally:
        await services.close()
