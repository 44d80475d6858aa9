"""Everything a process serves with, built once from the settings and shared by all transports.

With `REDIS_URL` the cache and the bus are Redis; without, both are in-process. Nothing else
changes between a one-box school and a many-process district.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from headcount.cache import Cache, MemoryCache, RedisCache
from headcount.deliverer import Deliverer
from headcount.domain.accounts import Accounts
from headcount.domain.audience import hearing_of
from headcount.domain.classes import Classes
from headcount.domain.corrections import Corrections
from headcount.domain.credentials import Credentials
from headcount.domain.directory import Directory
from headcount.domain.excusals import Excusals
from headcount.domain.guardians import Guardians
from headcount.domain.history import History
from headcount.domain.known_classes import KnownClasses
from headcount.domain.listings import Listings
from headcount.domain.records import Records
from headcount.domain.reports import Reports
from headcount.domain.rosters import Rosters
from headcount.domain.schools import Schools
from headcount.domain.sessions import Sessions
from headcount.domain.signup import SignupPolicy
from headcount.domain.throttle import Throttle
from headcount.domain.webhooks import Webhooks
from headcount.fanout.bus import Bus, MemoryBus
from headcount.fanout.hub import Hub
from headcount.fanout.redis_bus import RedisBus
from headcount.roster.importer import RosterImports
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
    credentials: Credentials
    directory: Directory
    schools: Schools
    classes: Classes
    rosters: Rosters
    imports: RosterImports
    listings: Listings
    sessions: Sessions
    records: Records
    history: History
    corrections: Corrections
    excusals: Excusals
    guardians: Guardians
    webhooks: Webhooks
    deliverer: Deliverer
    reports: Reports

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
        policy = SignupPolicy(settings.effective_signup, frozenset(settings.signup_domains))
        accounts = Accounts(db, Passwords(settings.bcrypt_rounds), tokens, throttle, policy)
        hub.watchers.append(accounts.heard)
        credentials = Credentials(db, accounts, hub, timedelta(days=settings.setup_code_days))
        known_classes = KnownClasses(db)
        hub.watchers.append(known_classes.heard)
        classes = Classes(db, hub, accounts, known_classes, settings.max_classes_per_teacher)
        return cls(
            settings=settings,
            db=db,
            cache=cache,
            tokens=tokens,
            hub=hub,
            accounts=accounts,
            credentials=credentials,
            directory=Directory(db, accounts, credentials, hub),
            schools=Schools(db),
            classes=classes,
            rosters=Rosters(db, hub, classes),
            imports=RosterImports(db, hub),
            listings=Listings(db),
            sessions=Sessions(db, hub, records, throttle, settings.smtp_url is not None),
            records=records,
            history=History(db, settings.excused_counts_against_rate),
            corrections=Corrections(db, hub, records),
            excusals=Excusals(db),
            guardians=Guardians(db, hub),
            webhooks=Webhooks(db, settings.webhooks_allow_private),
            deliverer=Deliverer(db, settings),
            reports=Reports(db, settings.excused_counts_against_rate),
        )

    async def start(self) -> None:
        await self.hub.start()
        self.deliverer.start()

    async def ready(self) -> bool:
        """Whether every backend answers and other processes' broadcasts can reach us: a bus
        still resubscribing after a Redis restart would silently miss them."""
        try:
            await self.db.ping()
            await self.cache.ping()
        except Exception:
            return False
        return self.hub.bus.ready

    async def close(self) -> None:
        await self.deliverer.close()
        await self.hub.close()
        await self.records.writer.close()
        await self.cache.close()
        await self.db.close()
