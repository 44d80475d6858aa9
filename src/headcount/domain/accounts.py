"""Accounts: sign-up, log-in, who-am-I, and whether a token is still good.

What a process knows of an account (its view, school, and what its tokens need to be good)
is remembered for SEEN_SECONDS; a change made through the API is announced on the bus
(`AccessRevoked`), and every process forgets the account at once.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from headcount import clock
from headcount.domain import errors
from headcount.domain.events import AccessRevoked, AccountChanged, Event
from headcount.domain.inputs import SignupInput
from headcount.domain.signup import SignupPolicy
from headcount.domain.throttle import Throttle
from headcount.domain.views import UserView
from headcount.memo import Memo
from headcount.security import Passwords, Principal, Role, Tokens
from headcount.store.database import Database
from headcount.store.tables import DEFAULT_SCHOOL_ID, RevokedToken, User

SEEN_SECONDS = 30.0
SEEN_LIMIT = 100_000
_STATE_COLUMNS = (
    User.id,
    User.name,
    User.email,
    User.role,
    User.school_id,
    User.active,
    User.token_generation,
    User.kept_token,
)
_BY_EMAIL = select(*_STATE_COLUMNS, User.password_hash).where(User.email == bindparam("email"))


def view_of(row: Any) -> UserView:
    return UserView(id=str(row["id"]), name=row["name"], email=row["email"], role=row["role"])


@dataclass(frozen=True, slots=True)
class Account:
    """An account as far as its tokens and its views are concerned."""

    view: UserView
    school_id: uuid.UUID
    active: bool
    generation: int
    kept_token: str | None
    revoked: frozenset[str]

    def honours(self, who: Principal) -> bool:
        """Whether a token naming this account is still good: the account is active, the
        role unchanged, the token not logged out, and not older than the last revocation of
        them all (except the one kept then)."""
        current = who.generation >= self.generation or who.token_id == self.kept_token
        return (
            self.active
            and who.role == self.view["role"]
            and who.token_id not in self.revoked
            and current
        )


def _account(row: Any, revoked: frozenset[str]) -> Account:
    return Account(
        view_of(row),
        row["school_id"],
        bool(row["active"]),
        row["token_generation"],
        row["kept_token"],
        revoked,
    )


class Accounts:
    def __init__(
        self,
        db: Database,
        passwords: Passwords,
        tokens: Tokens,
        throttle: Throttle,
        policy: SignupPolicy,
    ) -> None:
        self.db = db
        self.passwords = passwords
        self.tokens = tokens
        self.throttle = throttle
        self.policy = policy
        self._seen: Memo[uuid.UUID, Account] = Memo(SEEN_LIMIT)

    def heard(self, event: Event) -> None:
        """The hub's watcher: an account whose access changed is read afresh."""
        if isinstance(event, AccessRevoked | AccountChanged):
            self._seen.drop(event.user_id)

    async def signup(self, data: SignupInput, address: str | None) -> UserView:
        """A new account in the default school; `address` is the caller's, counted against
        the sign-up limit and held to the sign-up policy (None for a command run on the
        server itself)."""
        if address is not None:
            self.policy.check(data.role, data.email)
            await self.throttle.signup(address)
        return await self.create(data.name, data.email, data.role, DEFAULT_SCHOOL_ID, data.password)

    async def create(
        self,
        name: str,
        email: str,
        role: Role,
        school_id: uuid.UUID,
        password: str | None = None,
    ) -> UserView:
        """An account; without a password it can log in only once set up with a code."""
        async with self.db.read() as conn:
            if await conn.scalar(select(User.id).where(User.email == email)) is not None:
                raise errors.email_exists()
        password_hash = None if password is None else await self.passwords.hash(password)
        user_id = uuid.uuid4()
        try:
            async with self.db.write() as conn:
                await conn.execute(
                    insert(User).values(
                        id=user_id,
                        name=name,
                        email=email,
                        password_hash=password_hash,
                        role=role,
                        school_id=school_id,
                        created_at=clock.now(),
                    )
                )
        except IntegrityError:
            # Two sign-ups with one email raced past the check above; the unique index decided.
            raise errors.email_exists() from None
        return UserView(id=str(user_id), name=name, email=email, role=role)

    async def login(self, email: str, password: str, address: str) -> tuple[str, UserView]:
        """A token for valid credentials; the same refusal, at the same cost, for any miss
        (an unknown email, a deactivated account, one never set up). Failures count against
        the guessing limits of the email and of `address`."""
        email = email.strip().lower()
        async with self.throttle.login(email, address):
            rows = await self.db.fetch(_BY_EMAIL, email=email)
            row = rows[0] if rows and rows[0]["active"] else None
            stored = None if row is None else row["password_hash"]
            if not await self.passwords.verify(password, stored):
                raise errors.bad_credentials()
        assert row is not None
        token = self.tokens.issue(row["id"], row["role"], row["token_generation"])
        return token, view_of(row)

    async def honours(self, who: Principal) -> bool:
        """Whether `who`'s token is still good (and its account still there)."""
        account = await self.find(who.user_id)
        return account is not None and account.honours(who)

    async def me(self, who: Principal) -> UserView:
        """The token's account; 404 once it is gone, 401 if the token is no longer good."""
        account = await self.find(who.user_id)
        if account is None:
            raise errors.user_not_found()
        if not account.honours(who):
            raise errors.unauthorized()
        return account.view

    async def find(self, user_id: uuid.UUID) -> Account | None:
        return (await self.accounts([user_id])).get(user_id)

    async def views(self, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, UserView]:
        return {uid: account.view for uid, account in (await self.accounts(user_ids)).items()}

    async def accounts(self, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Account]:
        """Those accounts that exist, in two queries for any not seen lately. One found is
        remembered for SEEN_SECONDS, unless the bus dropped an account while they loaded; a miss
        never is."""
        now = time.monotonic()
        since = self._seen.generation
        found: dict[uuid.UUID, Account] = {}
        missing: list[uuid.UUID] = []
        for user_id in user_ids:
            seen = self._seen.get(user_id, now)
            if seen is not None:
                found[user_id] = seen
            else:
                missing.append(user_id)
        if missing:
            loaded = await self._load(missing)
            for user_id, account in loaded.items():
                self._seen.put(user_id, account, now + SEEN_SECONDS, since)
            found.update(loaded)
        return found

    async def _load(self, user_ids: list[uuid.UUID]) -> dict[uuid.UUID, Account]:
        async with self.db.read() as conn:
            rows = (await conn.execute(select(*_STATE_COLUMNS).where(User.id.in_(user_ids)))).all()
            revoked: dict[uuid.UUID, set[str]] = {}
            if rows:
                query = select(RevokedToken.user_id, RevokedToken.token_id).where(
                    RevokedToken.user_id.in_(user_ids), RevokedToken.expires_at > clock.now()
                )
                for user_id, token_id in await conn.execute(query):
                    revoked.setdefault(user_id, set()).add(token_id)
        return {row.id: _account(row._mapping, frozenset(revoked.get(row.id, ()))) for row in rows}
