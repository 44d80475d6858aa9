"""Limits on guessing secrets and on sign-ups (docs/decisions.md, "Security and limits").

Tuned to stop a guesser without stopping a school: a whole class signing up and logging in at
once from one NAT address passes; one account's password guessed again and again does not.

- An attempt is counted before the work that could reveal a secret (a bcrypt check, a code
  comparison) and given back when it did not fail, so concurrent attempts cannot slip past a
  limit that is checked before and counted after (ARCHITECTURE, pitfall 17).
- Log-in failures count per email *from one address* and per address: a guesser is stopped,
  but failing somebody's log-in from other addresses cannot lock them out.
- The counts live in Redis when it is configured, shared by every process. When Redis cannot
  answer, each process counts on its own in memory: a limit never fails open (pitfall 18).
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage
from limits.aio.strategies import FixedWindowRateLimiter

from headcount.domain import errors
from headcount.domain.errors import DomainError
from headcount.outage import Outage


@dataclass(frozen=True, slots=True)
class _Hold:
    limiter: FixedWindowRateLimiter
    item: RateLimitItem
    key: str


class Counter:
    """Fixed windows in the shared store, or in this process's memory while it is away."""

    def __init__(self, redis_url: str | None) -> None:
        self._shared = (
            FixedWindowRateLimiter(RedisStorage(f"async+{redis_url}", implementation="redispy"))
            if redis_url
            else None
        )
        self._local = FixedWindowRateLimiter(MemoryStorage())
        self.outage = Outage("rate limit storage")

    async def take(self, items: Sequence[RateLimitItem], key: str) -> list[_Hold]:
        """Count one attempt under every limit of `items`, or refuse it (and count nothing)."""
        if self._shared is not None:
            try:
                holds = await self._take(self._shared, items, key)
                self.outage.over()
                return holds
            except DomainError:
                raise
            except Exception as exc:
                self.outage.begun(exc)
        return await self._take(self._local, items, key)

    async def _take(
        self, limiter: FixedWindowRateLimiter, items: Sequence[RateLimitItem], key: str
    ) -> list[_Hold]:
        holds: list[_Hold] = []
        for item in items:
            holds.append(_Hold(limiter, item, key))
            if not await limiter.hit(item, key):
                reset = (await limiter.get_window_stats(item, key)).reset_time
                await self.give_back(holds)
                raise errors.too_many_requests(max(1, math.ceil(reset - time.time())))
        return holds

    async def give_back(self, holds: Sequence[_Hold]) -> None:
        for hold in holds:
            try:
                key = hold.item.key_for(hold.key)
                await hold.limiter.storage.incr(key, hold.item.get_expiry(), amount=-1)
            except Exception as exc:
                # The count expires with its window: kept, it only errs on the strict side.
                self.outage.begun(exc)


class Throttle:
    def __init__(
        self,
        redis_url: str | None,
        *,
        signups: str,
        login_email: str,
        login_address: str,
        wrong_codes: str,
    ) -> None:
        self.counter = Counter(redis_url)
        self.signups = parse_many(signups)
        self.login_email = parse_many(login_email)
        self.login_address = parse_many(login_address)
        self.wrong_codes = parse_many(wrong_codes)

    async def signup(self, address: str) -> None:
        """Count a sign-up from `address`, refusing it past the limit."""
        await self.counter.take(self.signups, f"signup:{address}")

    @asynccontextmanager
    async def login(self, email: str, address: str) -> AsyncIterator[None]:
        """Around one log-in attempt: it stays counted only if it fails."""
        holds = await self.counter.take(self.login_address, f"login-from:{address}")
        try:
            holds += await self.counter.take(self.login_email, f"login:{email}:{address}")
        except DomainError:
            await self.counter.give_back(holds)
            raise
        async with self._attempt(holds):
            yield

    @asynccontextmanager
    async def code(self, student_id: uuid.UUID) -> AsyncIterator[None]:
        """Around one check-in code comparison: it stays counted only if the code is wrong."""
        async with self._attempt(await self.counter.take(self.wrong_codes, f"code:{student_id}")):
            yield

    @asynccontextmanager
    async def _attempt(self, holds: list[_Hold]) -> AsyncIterator[None]:
        try:
            yield
        except DomainError:
            raise  # refused: the attempt counts
        except BaseException:
            await self.counter.give_back(holds)  # our fault (a database away), not theirs
            raise
        await self.counter.give_back(holds)
