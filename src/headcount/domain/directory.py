"""The accounts of a school, as its administrators manage them: list and search, create,
change or deactivate, and hand out setup codes. An administrator reaches only the accounts
of their schools; anything else is `User not found`, as if it did not exist.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from headcount import clock
from headcount.domain import errors
from headcount.domain.accounts import Accounts
from headcount.domain.credentials import Credentials
from headcount.domain.events import AccessRevoked, AccountChanged, EventSink
from headcount.domain.management_inputs import AccountChangesInput, AccountsQuery, NewAccountInput
from headcount.domain.schools import in_schools_of
from headcount.domain.views import AccountView, SetupCodeView
from headcount.security import Principal
from headcount.store.database import AnySelect, Database
from headcount.store.tables import Org, User

_COLUMNS = (
    User.id,
    User.name,
    User.email,
    User.role,
    User.school_id,
    User.active,
    User.sourced_id,
    User.password_hash.is_not(None).label("has_password"),
    User.created_at,
)


def _account(row: Any) -> AccountView:
    return AccountView(
        id=str(row.id),
        name=row.name,
        email=row.email,
        role=row.role,
        schoolId=str(row.school_id),
        active=bool(row.active),
        sourcedId=row.sourced_id,
        hasPassword=bool(row.has_password),
        createdAt=clock.iso(row.created_at),
    )


Q = TypeVar("Q", bound=AnySelect)


def matching(query: Q, needle: str | None) -> Q:
    """Accounts whose name or email contains `needle`, case-insensitively, taken literally."""
    if not needle:
        return query
    text = needle.lower()
    return query.where(
        or_(
            func.lower(User.name).contains(text, autoescape=True),
            func.lower(User.email).contains(text, autoescape=True),
        )
    )


def user_id_from_path(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise errors.user_not_found() from None


class Directory:
    def __init__(
        self, db: Database, accounts: Accounts, credentials: Credentials, events: EventSink
    ) -> None:
        self.db = db
        self.accounts = accounts
        self.credentials = credentials
        self.events = events

    async def search(self, admin: Principal, query: AccountsQuery) -> list[AccountView]:
        """The accounts of the administrator's schools, oldest first."""
        statement = matching(
            select(*_COLUMNS).where(in_schools_of(User.school_id, admin.user_id)), query.q
        )
        if query.role is not None:
            statement = statement.where(User.role == query.role)
        if query.active is not None:
            statement = statement.where(User.active == query.active)
        if query.schoolId is not None:
            statement = statement.where(User.school_id == query.schoolId)
        statement = statement.order_by(User.created_at, User.id).offset(query.offset)
        if query.limit is not None:
            statement = statement.limit(query.limit)
        async with self.db.read() as conn:
            return [_account(row) for row in await conn.execute(statement)]

    async def create(self, admin: Principal, body: NewAccountInput) -> AccountView:
        school_id = await self._school_for(admin, body.schoolId)
        created = await self.accounts.create(
            body.name, body.email, body.role, school_id, body.password
        )
        return await self._one(admin, uuid.UUID(created["id"]))

    async def change(self, admin: Principal, raw_id: str, body: AccountChangesInput) -> AccountView:
        """Rename, move or (de)activate an account. Deactivating ends its tokens and sockets
        everywhere at once; reactivating does not bring the old tokens back."""
        user_id = user_id_from_path(raw_id)
        current = await self._one(admin, user_id)
        values: dict[str, Any] = {}
        if body.name is not None:
            values["name"] = body.name
        if body.email is not None:
            values["email"] = body.email
        if body.schoolId is not None:
            values["school_id"] = await self._school_for(admin, body.schoolId)
        if body.active is not None and body.active != current["active"]:
            values["active"] = body.active
            values["token_generation"] = User.token_generation + 1
            values["kept_token"] = None
        if values:
            try:
                async with self.db.write() as conn:
                    await conn.execute(update(User).where(User.id == user_id).values(**values))
            except IntegrityError:
                raise errors.email_exists() from None
            revoked = body.active is False and current["active"]
            await self.events.publish(
                AccessRevoked(user_id) if revoked else AccountChanged(user_id)
            )
        return await self._one(admin, user_id)

    async def setup_code(self, admin: Principal, raw_id: str) -> SetupCodeView:
        """A new one-time code for the account; any earlier one stops working."""
        account = await self._one(admin, user_id_from_path(raw_id))
        return await self.credentials.issue(uuid.UUID(account["id"]), account["email"])

    async def _one(self, admin: Principal, user_id: uuid.UUID) -> AccountView:
        statement = select(*_COLUMNS).where(
            User.id == user_id, in_schools_of(User.school_id, admin.user_id)
        )
        async with self.db.read() as conn:
            row = (await conn.execute(statement)).first()
        if row is None:
            raise errors.user_not_found()
        return _account(row)

    async def _school_for(self, admin: Principal, school_id: uuid.UUID | None) -> uuid.UUID:
        """The school named (one of the administrator's), or the administrator's own."""
        async with self.db.read() as conn:
            if school_id is None:
                own = await conn.scalar(select(User.school_id).where(User.id == admin.user_id))
                if own is None:
                    raise errors.unauthorized()
                return own
            found = await conn.scalar(
                select(Org.id).where(Org.id == school_id, in_schools_of(Org.id, admin.user_id))
            )
        if found is None:
            raise errors.school_not_found()
        return school_id
