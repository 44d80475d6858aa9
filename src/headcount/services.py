"""Everything a process serves with, built once from the settings and shared by all transports.

With `REDIS_URL` the cache and the bus are Redis; without, both are in-process. Nothing else
changes between a one-box school and a many-process district.
"""

from __future__ import annotations

from dataclasses import dataclass

from headcount.cache import Cache, MemoryCache, RedisCache
from headcount.domain.accounts import Accounts
from headcount.domain.audience import hearing_of
from headcount.domain.classes import Classes
from headcount.domain.history import History
from headcount.domain.records import Records
from headcount.domain.sessions import Sessions
from headcount.domain.throttle import Throttle
from headcount.fanout.bus import Bus, MemoryBus
from headcount.fanout.hub import Hub
from headcount.fanout.redis_bus import RedisBus
from headcount.security import Passwords, Tokens
from headcount.settings import Settings
from headcount.store.database import Database


@dataclass
class Services:
    settings: Settings
    db: Database
    cache: Cache
    tokens: Tokens
    hub: Hub
    accounts: Accounts
    classes: Classes
    sessions: Sessions
    records: Records
    history: History

    @classmethod
    def build(cls, settings: Settings) -> Services:
        db = Database(settings.database_url, timeout=settings.db_timeout)
        redis_url = settings.effective_redis_url
        cache: Cache = RedisCache(redis_url) if redis_url else MemoryCache()
        bus: Bus = RedisBus(redis_url) if redis_url else MemoryBus()
        tokens = Tokens(settings.secret, settings.jwt_expires_in)
        hub = Hub(
            bus,
            lambda who: hearing_of(db, who),
            settings.live_marks,
            settings.max_sockets_per_user,
        )
        records = Records(db, cache, settings.redis_ttl)
        throttle = Throttle(
            redis_url,
            signups=settings.rate_limit_signup,
            login_email=settings.rate_limit_login_email,
            login_address=settings.rate_limit_login_address,
            wrong_codes=settings.rate_limit_checkin_code,
        )
        accounts = Accounts(db, Passwords(settings.bcrypt_rounds), tokens, throttle)
        return cls(
            settings=settings,
            db=db,
            cache=cache,
            tokens=tokens,
            hub=hub,
            accounts=accounts,
            classes=Classes(db, hub, accounts),
            sessions=Sessions(db, hub, records, throttle),
            records=records,
            history=History(db, settings.excused_counts_against_rate),
        )

    async def start(self) -> None:
        await self.hub.start()

    async def close(self) -> None:
        await self.hub.close()
        await self.records.writer.close()
        await self.cache.close()
        await self.db.close()
