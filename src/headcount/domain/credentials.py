"""What a user does with their own credentials: log out, change the password, and set one up
with a one-time code (accounts that arrived by import, or were made by an administrator,
have none).

Each change is committed first, then announced (`AccessRevoked`), so every process refuses
the tokens it ended and closes their sockets within a second.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from headcount import clock
from headcount.domain import errors
from headcount.domain.accounts import Accounts, view_of
from headcount.domain.events import AccessRevoked, EventSink
from headcount.domain.views import SetupCodeView, UserView
from headcount.security import Principal
from headcount.store.database import Database
from headcount.store.tables import RevokedToken, SetupCode, User
from headcount.store.upsert import insert_ignoring_duplicates, upsert

# Unambiguous letters and digits (no 0/O, 1/I/L), in three groups of four: read out or typed
# from a printed sheet without mistakes, 60 bits of chance.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_GROUPS, GROUP_LENGTH = 3, 4


def new_code() -> str:
    groups = (
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(GROUP_LENGTH))
        for _ in range(CODE_GROUPS)
    )
    return "-".join(groups)


def code_hash(code: str) -> str:
    """Codes are compared by hash, ignoring case, spaces and dashes as people type them."""
    normal = "".join(char for char in code.upper() if char.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()


async def issue_codes(
    conn: AsyncConnection, users: Iterable[tuple[uuid.UUID, str]], lifetime: timedelta
) -> list[SetupCodeView]:
    """A fresh code for each (user id, email), replacing any earlier one, in the caller's
    transaction; only the hashes are stored, so these are the only copies of the codes."""
    expires = clock.now() + lifetime
    issued: list[SetupCodeView] = []
    rows = []
    for user_id, email in users:
        code = new_code()
        rows.append({"user_id": user_id, "code_hash": code_hash(code), "expires_at": expires})
        issued.append(
            SetupCodeView(userId=str(user_id), email=email, code=code, expiresAt=clock.iso(expires))
        )
    if rows:
        statement = upsert(conn.dialect.name, SetupCode, ("user_id",), ("code_hash", "expires_at"))
        await conn.execute(statement, rows)
    return issued


_SETUP = (
    select(User.id, User.name, User.email, User.role, User.token_generation, SetupCode)
    .join(SetupCode, SetupCode.user_id == User.id)
    .where(User.email == bindparam("email"), User.active)
)


class Credentials:
    def __init__(
        self, db: Database, accounts: Accounts, events: EventSink, code_lifetime: timedelta
    ) -> None:
        self.db = db
        self.accounts = accounts
        self.events = events
        self.code_lifetime = code_lifetime

    async def logout(self, who: Principal) -> None:
        """The token used is refused from now on, everywhere."""
        expires = datetime.fromtimestamp(who.expires_at, UTC)
        async with self.db.write() as conn:
            await conn.execute(
                insert_ignoring_duplicates(conn, RevokedToken).values(
                    token_id=who.token_id, user_id=who.user_id, expires_at=expires
                )
            )
        await self.events.publish(AccessRevoked(who.user_id, token_id=who.token_id))

    async def change_password(self, who: Principal, current: str, new: str, address: str) -> None:
        """A new password; every other token of the user is revoked, the one used is kept.
        Wrong current passwords count against the log-in guessing limits."""
        account = await self.accounts.find(who.user_id)
        if account is None:
            raise errors.user_not_found()
        async with self.accounts.throttle.login(account.view["email"], address):
            async with self.db.read() as conn:
                stored = await conn.scalar(select(User.password_hash).where(User.id == who.user_id))
            if not await self.accounts.passwords.verify(current, stored):
                raise errors.wrong_password()
        await self._set_password(who.user_id, new, keep=who.token_id)
        await self.events.publish(AccessRevoked(who.user_id, keep=who.token_id))

    async def issue(self, user_id: uuid.UUID, email: str) -> SetupCodeView:
        async with self.db.write() as conn:
            (issued,) = await issue_codes(conn, [(user_id, email)], self.code_lifetime)
        return issued

    async def setup(
        self, email: str, code: str, password: str, address: str
    ) -> tuple[str, UserView]:
        """Redeem a setup code: the password is set, the code is spent, and the user is
        logged in. A wrong or expired code counts against the log-in guessing limits."""
        email = email.strip().lower()
        async with self.accounts.throttle.login(email, address):
            async with self.db.read() as conn:
                row = (await conn.execute(_SETUP, {"email": email})).first()
            good = (
                row is not None
                and hmac.compare_digest(row.code_hash, code_hash(code))
                and clock.as_utc(row.expires_at) > clock.now()
            )
            if not good:
                raise errors.invalid_setup_code()
        assert row is not None
        generation = await self._set_password(row.id, password, keep=None, spend=row.code_hash)
        await self.events.publish(AccessRevoked(row.id))
        token = self.accounts.tokens.issue(row.id, row.role, generation)
        return token, view_of(row._mapping)

    async def _set_password(
        self, user_id: uuid.UUID, password: str, keep: str | None, spend: str | None = None
    ) -> int:
        """Store the new password, spend any setup code, and start a new generation of
        tokens (keeping `keep`); the new generation. With `spend` (a code's hash), only if
        that code is still there: of two redeeming it at once, one finds it gone."""
        password_hash = await self.accounts.passwords.hash(password)
        async with self.db.write() as conn:
            codes = delete(SetupCode).where(SetupCode.user_id == user_id)
            if spend is not None:
                codes = codes.where(SetupCode.code_hash == spend)
            spent = await conn.execute(codes)
            if spend is not None and not spent.rowcount:
                raise errors.invalid_setup_code()
            generation = await conn.scalar(
                update(User)
                .where(User.id == user_id)
                .values(
                    password_hash=password_hash,
                    token_generation=User.token_generation + 1,
                    kept_token=keep,
                )
                .returning(User.token_generation)
            )
        assert generation is not None, "the user was read a moment ago"
        return int(generation)
