"""`headcount admin …`: administrators are made on the server itself, never by sign-up."""

from __future__ import annotations

import uuid

from pydantic import ValidationError
from sqlalchemy import or_, select

from headcount.domain.errors import DomainError
from headcount.domain.management_inputs import NewAdminInput
from headcount.services import Services
from headcount.settings import Settings
from headcount.store.tables import DEFAULT_SCHOOL_ID, Org


class CommandError(Exception):
    """What the command prints before exiting with 1."""


async def school_named(services: Services, school: str | None) -> uuid.UUID:
    """The org named by id or sourcedId (a school or a district), else the default school."""
    if school is None:
        return DEFAULT_SCHOOL_ID
    try:
        as_id: uuid.UUID | None = uuid.UUID(school)
    except ValueError:
        as_id = None
    async with services.db.read() as conn:
        found = await conn.scalar(
            select(Org.id).where(or_(Org.sourced_id == school, Org.id == as_id))
        )
    if found is None:
        raise CommandError(f"no school or district {school!r} (give its id or sourcedId)")
    return found


async def create_admin(
    settings: Settings, name: str, email: str, password: str, school: str | None
) -> str:
    """A new administrator of `school` (or of the default school); the line to print."""
    try:
        data = NewAdminInput(name=name, email=email, password=password)
    except ValidationError as exc:
        fields = ", ".join(str(error["loc"][0]) for error in exc.errors())
        raise CommandError(f"invalid {fields}") from None
    services = Services.build(settings)
    try:
        school_id = await school_named(services, school)
        created = await services.accounts.create(
            data.name, data.email, "admin", school_id, data.password
        )
    except DomainError as exc:
        raise CommandError(exc.message) from None
    finally:
        await services.close()
    return f"admin  {created['email']}  id={created['id']}  school={school_id}"
