"""Everything a process serves with, built once from the settings and shared by all transports."""

from __future__ import annotations

from dataclasses import dataclass

from headcount.domain.accounts import Accounts
from headcount.domain.classes import Classes, audience
from headcount.domain.sessions import Sessions
from headcount.realtime.bus import MemoryBus
from headcount.realtime.hub import Hub
from headcount.security import Passwords, Tokens
from headcount.settings import Settings
from headcount.store.database import Database


@dataclass
class Services:
    settings: Settings
    db: Database
    tokens: Tokens
    hub: Hub
    accounts: Accounts
    classes: Classes
    sessions: Sessions

    @classmethod
    def build(cls, settings: Settings) -> Services:
        db = Database(settings.database_url, timeout=settings.db_timeout)
        tokens = Tokens(settings.secret, settings.jwt_expires_in)
        hub = Hub(MemoryBus(), lambda class_id: audience(db, class_id))
        return cls(
            settings=settings,
            db=db,
            tokens=tokens,
            hub=hub,
            accounts=Accounts(db, Passwords(settings.bcrypt_rounds), tokens),
            classes=Classes(db, hub),
            sessions=Sessions(db, hub),
        )

    async def start(self) -> None:
        await self.hub.start()

    async def close(self) -> None:
        await self.hub.close()
        await self.db.close()
