"""What callers may send, with the contract's field limits. Unknown fields are ignored."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from headcount.domain.marking import Mark
from headcount.domain.views import Status
from headcount.security import MAX_PASSWORD_BYTES, Principal

# Deliberately plain: one @, no spaces, a dot in the domain (what browsers' type=email accept,
# minus the dotless hosts). Stricter checks would refuse real schools' addresses.
EMAIL_PATTERN = r"^[^\s@]+@[^\s@]+\.[^\s@]+$"


def _fits_bcrypt(password: str) -> str:
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise ValueError(f"at most {MAX_PASSWORD_BYTES} bytes of UTF-8")
    return password


Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, max_length=254, pattern=EMAIL_PATTERN),
]
NewPassword = Annotated[str, Field(min_length=6), AfterValidator(_fits_bcrypt)]
AnyPassword = Annotated[str, AfterValidator(_fits_bcrypt)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
ClassName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Input(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        # PostgreSQL cannot store NUL in text; no name, email or code needs one.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("NUL characters are not allowed")
        return value


class SignupInput(Input):
    name: Name
    email: Email
    password: NewPassword
    role: Literal["teacher", "student"]


class LoginInput(Input):
    email: Email
    password: AnyPassword


class TokenForm(Input):
    """The OAuth2 password grant's form: `username` is the email."""

    username: Annotated[str, StringConstraints(min_length=1, max_length=254)]
    password: str


class ClassInput(Input):
    className: ClassName


class AddStudentInput(Input):
    studentId: uuid.UUID


class StartInput(Input):
    classId: uuid.UUID
    lateAfterMinutes: Annotated[int, Field(ge=0, le=240)] | None = None
    checkIn: bool = True


class AttendanceQuery(Input):
    """`GET /class/:id/attendance`: JSON or CSV, and whether the CSV names students by id."""

    format: Literal["json", "csv"] = "json"
    ids: bool = False


class StudentsQuery(Input):
    q: Annotated[str, StringConstraints(max_length=254)] | None = None
    limit: Annotated[int, Field(ge=1, le=500)] | None = None
    offset: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0  # a database integer


class SessionTarget(Input):
    """Which class's session an event acts on; none means the caller's latest."""

    classId: uuid.UUID | None = None


class MarkInput(SessionTarget):
    studentId: uuid.UUID
    status: Status
    # Offline replay (SPEC §8): when the teacher tapped, and the client's id for the tap.
    markedAt: datetime.datetime | None = None
    opId: uuid.UUID | None = None

    def as_mark(self, teacher: Principal, source: str) -> Mark:
        return Mark(self.studentId, self.status, teacher.user_id, source, self.markedAt, self.opId)


class CachedMarkInput(MarkInput):
    """`POST /attendance/mark`: the class is named, and the cache entry may set its own TTL."""

    classId: uuid.UUID
    ttl: Annotated[int, Field(ge=60, le=86400)] | None = None


class CheckInInput(SessionTarget):
    code: Annotated[str, StringConstraints(max_length=16)]


class ClassQuery(Input):
    classId: uuid.UUID


class StudentDayQuery(Input):
    classId: uuid.UUID
    studentId: uuid.UUID
    date: datetime.date | None = None


class CacheKeyQuery(Input):
    key: str
