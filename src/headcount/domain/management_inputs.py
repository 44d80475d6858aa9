"""What callers may send to manage classes, rosters and accounts (docs/roster.md), with the
same field rules as the seed contract's inputs."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from headcount.domain.inputs import (
    AnyPassword,
    ClassName,
    Day,
    Email,
    Input,
    JsonBool,
    Name,
    NewPassword,
    Reason,
)

MAX_BULK_ENROLMENT = 1000
Listing = Annotated[int, Field(ge=1, le=500)]
Offset = Annotated[int, Field(ge=0, le=2**31 - 1)]  # a database integer
Search = Annotated[str, StringConstraints(max_length=254)]


class ClassChangesInput(Input):
    """`PATCH /class/:id`: a new name, and/or bringing an archived class back."""

    className: ClassName | None = None
    archived: Literal[False] | None = None


class EnrolInput(Input):
    studentIds: Annotated[list[uuid.UUID], Field(min_length=1)]


class ClassesQuery(Input):
    archived: bool = False


class PasswordChangeInput(Input):
    currentPassword: AnyPassword
    newPassword: NewPassword


class SetupInput(Input):
    email: Email
    code: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: NewPassword


class AccountsQuery(Input):
    q: Search | None = None
    role: Literal["teacher", "student", "admin", "guardian"] | None = None
    active: bool | None = None
    schoolId: uuid.UUID | None = None
    limit: Listing | None = None
    offset: Offset = 0


class NewAccountInput(Input):
    """An account an administrator makes: without a password, it is set up with a code."""

    name: Name
    email: Email
    role: Literal["teacher", "student", "guardian"]
    schoolId: uuid.UUID | None = None
    password: NewPassword | None = None


class NewAdminInput(Input):
    """`headcount admin create`: the one way an administrator comes to be."""

    name: Name
    email: Email
    password: NewPassword


class AccountChangesInput(Input):
    name: Name | None = None
    email: Email | None = None
    active: JsonBool | None = None
    schoolId: uuid.UUID | None = None


class RosterQuery(Input):
    """`POST /admin/rosters?dryRun=true`: check and count, write nothing."""

    dryRun: bool = False


class ExcusalInput(Input):
    """`POST /admin/excusals` (docs/records.md): days are UTC dates, both included."""

    studentId: uuid.UUID
    firstDay: Day
    lastDay: Day
    reason: Reason

    @model_validator(mode="after")
    def _in_order(self) -> ExcusalInput:
        if self.lastDay < self.firstDay:
            raise ValueError("lastDay is before firstDay")
        return self


class ExcusalsQuery(Input):
    """`GET /admin/excusals`: one student's, or every one of the administrator's schools."""

    studentId: uuid.UUID | None = None
