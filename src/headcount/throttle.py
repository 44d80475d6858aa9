"""Rate limits on sign-ups and failed log-ins, shared by every process (Redis) or kept in
memory (one process). Tuned to stop a guesser without stopping a school: a whole class
signing up and logging in at once from one NAT address passes; one account's password
guessed again and again does not.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Awaitable, Sequence

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from headcount.domain import errors
from headcount.domain.errors import DomainError
from headcount.outage import Outage
from headcount.settings import Settings


class Throttle:
    def __init__(self, settings: Settings) -> None:
        redis_url = settings.effective_redis_url
        storage: Storage = (
            RedisStorage(f"async+{redis_url}", implementation="redispy")
            if redis_url
            else MemoryStorage()
        )
        self.limiter = MovingWindowRateLimiter(storage)
        self.signups = parse_many(settings.rate_limit_signup)
        self.login_email = parse_many(settings.rate_limit_login_email)
        self.login_address = parse_many(settings.rate_limit_login_address)
        self.wrong_codes = parse_many(settings.rate_limit_checkin_code)
        self.outage = Outage("rate limit storage")

    async def _refuse_if_spent(self, limits: Sequence[RateLimitItem], key: str) -> None:
        for item in limits:
            if not await self.limiter.test(item, key):
                stats = await self.limiter.get_window_stats(item, key)
                raise errors.too_many_requests(max(1, math.ceil(stats.reset_time - time.time())))

    async def _spend(self, limits: Sequence[RateLimitItem], key: str) -> None:
        for item in limits:
            await self.limiter.hit(item, key)

    async def _guarded(self, action: Awaitable[None]) -> None:
        """Limits fail open: with their storage down, nobody is locked out of a school."""
        try:
            await action
            self.outage.over()
        except DomainError:
            raise
        except Exception as exc:
            self.outage.begun(exc)

    async def signup(self, address: str) -> None:
        """Count a sign-up from `address`, refusing it past the limit."""
        await self._guarded(self._refuse_if_spent(self.signups, f"signup:{address}"))
        await self._guarded(self._spend(self.signups, f"signup:{address}"))

    async def before_login(self, email: str, address: str) -> None:
        await self._guarded(self._refuse_if_spent(self.login_email, f"login:{email}"))
        await self._guarded(self._refuse_if_spent(self.login_address, f"login-from:{address}"))

    async def before_code(self, student_id: uuid.UUID) -> None:
        await self._guarded(self._refuse_if_spent(self.wrong_codes, f"code:{student_id}"))

    async def wrong_code(self, student_id: uuid.UUID) -> None:
        await self._guarded(self._spend(self.wrong_codes, f"code:{student_id}"))

    async def failed_login(self, email: str, address: str) -> None:
        await self._guarded(self._spend(self.login_email, f"login:{email}"))
        await self._guarded(self._spend(self.login_address, f"login-from:{address}"))
