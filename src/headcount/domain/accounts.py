"""Sign-up, log-in and who-am-I."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from headcount import clock
from headcount.domain import errors
from headcount.domain.inputs import SignupInput
from headcount.domain.throttle import Throttle
from headcount.domain.views import UserView
from headcount.memo import Memo
from headcount.security import Passwords, Principal, Tokens
from headcount.store.database import Database
from headcount.store.tables import User

# Accounts are never changed or deleted through the API, so a token's account is read at
# most once per SEEN_SECONDS per process; a change by hand takes effect within that time.
SEEN_SECONDS = 30.0
SEEN_LIMIT = 100_000
_VIEW_COLUMNS = (User.id, User.name, User.email, User.role)
_BY_EMAIL = select(*_VIEW_COLUMNS, User.password_hash).where(User.email == bindparam("email"))


def _view(row: Any) -> UserView:
    return UserView(id=str(row["id"]), name=row["name"], email=row["email"], role=row["role"])


class Accounts:
    def __init__(
        self, db: Database, passwords: Passwords, tokens: Tokens, throttle: Throttle
    ) -> None:
        self.db = db
        self.passwords = passwords
        self.tokens = tokens
        self.throttle = throttle
        self._seen: Memo[uuid.UUID, UserView] = Memo(SEEN_LIMIT)

    async def signup(self, data: SignupInput, address: str | None) -> UserView:
        """A new account; `address` is the caller's, counted against the sign-up limit (None
        for a command run on the server itself)."""
        if address is not None:
            await self.throttle.signup(address)
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

    async def login(self, email: str, password: str, address: str) -> tuple[str, UserView]:
        """A token for valid credentials; the same refusal, at the same cost, for any miss.
        Failures count against the guessing limits of the email and of `address`."""
        email = email.strip().lower()
        async with self.throttle.login(email, address):
            rows = await self.db.fetch(_BY_EMAIL, email=email)
            row = rows[0] if rows else None
            if not await self.passwords.verify(password, row["password_hash"] if row else None):
                raise errors.bad_credentials()
        assert row is not None
        return self.tokens.issue(row["id"], row["role"]), _view(row)

    async def exists(self, user_id: uuid.UUID) -> bool:
        """Whether a token's account still exists."""
        return await self._find(user_id) is not None

    async def me(self, who: Principal) -> UserView:
        found = await self._find(who.user_id)
        if found is None:
            raise errors.user_not_found()
        return found

    async def _find(self, user_id: uuid.UUID) -> UserView | None:
        return (await self.views([user_id])).get(user_id)

    async def views(self, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, UserView]:
        """The views of those accounts that exist, in one query for any not seen lately.
        One found is remembered for SEEN_SECONDS; a miss never is."""
        now = time.monotonic()
        found: dict[uuid.UUID, UserView] = {}
        missing: list[uuid.UUID] = []
        for user_id in user_ids:
            seen = self._seen.get(user_id, now)
            if seen is not None:
                found[user_id] = seen
            else:
                missing.append(user_id)
        if missing:
            async with self.db.read() as conn:
                rows = await conn.execute(select(*_VIEW_COLUMNS).where(User.id.in_(missing)))
                loaded = {row.id: _view(row) for row in rows.mappings()}
            for user_id, view in loaded.items():
                self._seen.put(user_id, view, now + SEEN_SECONDS)
            found.update(loaded)
        return found
