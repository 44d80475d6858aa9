"""Sign-up, log-in and who-am-I."""

from __future__ import annotations

import time
import uuid
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from headcount import clock
from headcount.domain import errors
from headcount.domain.inputs import SignupInput
from headcount.domain.views import UserView
from headcount.security import Passwords, Principal, Tokens
from headcount.store.database import Database
from headcount.store.tables import User

# Accounts are never deleted through the API, so a token's account is looked up at most
# once per SEEN_SECONDS per process; a deletion by hand takes effect within that time.
SEEN_SECONDS = 30.0
SEEN_LIMIT = 100_000
_VIEW_COLUMNS = (User.id, User.name, User.email, User.role)


def _view(row: Any) -> UserView:
    return UserView(id=str(row.id), name=row.name, email=row.email, role=row.role)


class Accounts:
    def __init__(self, db: Database, passwords: Passwords, tokens: Tokens) -> None:
        self.db = db
        self.passwords = passwords
        self.tokens = tokens
        self._seen: dict[uuid.UUID, float] = {}

    async def signup(self, data: SignupInput) -> UserView:
        async with self.db.read() as conn:
            if await conn.scalar(select(User.id).where(User.email == data.email)) is not None:
                raise errors.email_exists()
        password_hash = await self.passwords.hash(data.password)
        user_id = uuid.uuid4()
        try:
            async with self.db.write() as conn:
                await conn.execute(
                    insert(User).values(
                        id=user_id,
                        name=data.name,
                        email=data.email,
                        password_hash=password_hash,
                        role=data.role,
                        created_at=clock.now(),
                    )
                )
        except IntegrityError:
            # Two sign-ups with one email raced past the check above; the unique index decided.
            raise errors.email_exists() from None
        return UserView(id=str(user_id), name=data.name, email=data.email, role=data.role)

    async def authenticate(self, email: str, password: str) -> tuple[str, UserView]:
        """A token for valid credentials; the same refusal, at the same cost, for any miss."""
        async with self.db.read() as conn:
            row = (
                await conn.execute(
                    select(*_VIEW_COLUMNS, User.password_hash).where(
                        User.email == email.strip().lower()
                    )
                )
            ).first()
        if not await self.passwords.verify(password, row.password_hash if row else None):
            raise errors.bad_credentials()
        assert row is not None
        return self.tokens.issue(row.id, row.role), _view(row)

    async def exists(self, user_id: uuid.UUID) -> bool:
        """Whether a token's account still exists; a yes is remembered for a short while."""
        now = time.monotonic()
        if self._seen.get(user_id, 0.0) > now:
            return True
        async with self.db.read() as conn:
            found = await conn.scalar(select(User.id).where(User.id == user_id)) is not None
        if found:
            if len(self._seen) > SEEN_LIMIT:
                self._seen.clear()
            self._seen[user_id] = now + SEEN_SECONDS
        return found

    async def me(self, who: Principal) -> UserView:
        async with self.db.read() as conn:
            row = (await conn.execute(select(*_VIEW_COLUMNS).where(User.id == who.user_id))).first()
        if row is None:
            raise errors.user_not_found()
        return _view(row)
