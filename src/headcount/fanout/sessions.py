"""Every authenticated live connection of this process, by user, so that access removed
anywhere reaches the connections it concerns: a revoked token, a deactivated account and an
expired token each end them (close 1008) within a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import time
import uuid
from typing import Protocol

from headcount.security import Principal

SWEEP_SECONDS = 0.5


class Session(Protocol):
    @property
    def principal(self) -> Principal: ...

    def revoke(self) -> None:
        """End the connection: its access is gone."""


class Sessions:
    def __init__(self, per_user: int | None = None) -> None:
        self.per_user = per_user
        # A list per user, not a dict: one per connected user, and most hold one session.
        self._by_user: dict[uuid.UUID, list[Session]] = {}
        # (expiry, tie-breaker, session): swept in order, skipping sessions already gone;
        # rebuilt once the gone outnumber the live, so a closed connection is let go soon.
        self._expiries: list[tuple[float, int, Session]] = []
        self._live = 0
        self._sweeper: asyncio.Task[None] | None = None

    def add(self, session: Session) -> bool:
        """Register `session`; False when its user already has `per_user` here."""
        who = session.principal
        held = self._by_user.setdefault(who.user_id, [])
        if self.per_user is not None and len(held) >= self.per_user:
            if not held:
                del self._by_user[who.user_id]
            return False
        held.append(session)
        self._live += 1
        heapq.heappush(self._expiries, (who.expires_at, id(session), session))
        return True

    def remove(self, session: Session) -> None:
        uid = session.principal.user_id
        held = self._by_user.get(uid)
        if held is None or session not in held:
            return
        held.remove(session)
        if not held:
            del self._by_user[uid]
        self._live -= 1
        if len(self._expiries) > 2 * self._live + 64:
            self._expiries = [
                (s.principal.expires_at, id(s), s) for live in self._by_user.values() for s in live
            ]
            heapq.heapify(self._expiries)

    def holds(self, session: Session) -> bool:
        return session in self._by_user.get(session.principal.user_id, ())

    def revoke(
        self, user_id: uuid.UUID, token_id: str | None = None, keep: str | None = None
    ) -> None:
        """End the user's sessions of `token_id`, or of every token but `keep`."""
        for session in tuple(self._by_user.get(user_id, ())):
            held = session.principal.token_id
            if (held == token_id) if token_id is not None else (held != keep):
                self.remove(session)
                session.revoke()

    def sweep(self, now: float) -> None:
        """End every session whose token expired by `now`."""
        while self._expiries and self._expiries[0][0] <= now:
            _, _, session = heapq.heappop(self._expiries)
            if self.holds(session):
                self.remove(session)
                session.revoke()

    def start(self) -> None:
        self._sweeper = asyncio.create_task(self._sweep_forever())

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            self.sweep(time.time())

    async def close(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
