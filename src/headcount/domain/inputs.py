"""What callers may send, with the contract's field limits. Unknown fields are ignored."""

from __future__ import annotations

import datetime
import unicodedata
import uuid
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    Strict,
    StringConstraints,
    field_validator,
)

from headcount import clock
from headcount.cache import CacheKey
from headcount.domain.marking import Mark
from headcount.domain.views import Status
from headcount.security import MAX_PASSWORD_BYTES, Principal

# Deliberately plain: one @, no spaces, a dot in the domain (what browsers' type=email accept,
# minus the dotless hosts). Stricter checks would refuse real schools' addresses.
EMAIL_PATTERN = r"^[^\s@]+@[^\s@]+\.[^\s@]+$"

# Times and days a client may name: from the Unix epoch up to the end of year 9998 (UTC). Every
# real roll call falls inside; outside, a time-zone offset or a day's end no longer fits
# Python's datetime (years 1-9999), and years below 1000 do not print in the ISO form.
EARLIEST = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
END = datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC)

# Directional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) reorder the
# text around a name, so "Ann\u202eexe.pdf" shows as something it is not. Right-to-left names
# need none of them; the marks U+200E/U+200F stay allowed.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Letters and symbols that are drawn as nothing: the Hangul fillers and the blank braille cell.
BLANK_GLYPHS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Spaces, separators, format characters (zero-width ones among them), controls, and marks that
# only combine with a preceding character.
UNSEEN_CATEGORIES = frozenset(("Zs", "Zl", "Zp", "Cf", "Cc", "Mn", "Me"))


def _fits_bcrypt(password: str) -> str:
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise ValueError(f"at most {MAX_PASSWORD_BYTES} bytes of UTF-8")
    return password


def _readable(name: str) -> str:
    """One line someone can read: something visible, no controls, nothing that reorders it."""
    if any(char in BIDI_CONTROLS or unicodedata.category(char) == "Cc" for char in name):
        raise ValueError("control characters are not allowed")
    if all(
        char in BLANK_GLYPHS or unicodedata.category(char) in UNSEEN_CATEGORIES for char in name
    ):
        raise ValueError("must contain a visible character")
    return name


def _iso_text(value: object) -> datetime.datetime:
    """An ISO 8601 string; a number, which pydantic would read as epoch seconds, is refused."""
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 string")
    return datetime.datetime.fromisoformat(value)


def _supported_moment(moment: datetime.datetime) -> datetime.datetime:
    """The time in UTC (no offset means UTC), if it falls in the years we keep."""
    try:
        utc = clock.as_utc(moment)
    except OverflowError:
        raise ValueError("out of range") from None
    if not EARLIEST <= utc < END:
        raise ValueError("must fall in the years 1970 to 9998")
    return utc


def _supported_day(day: datetime.date) -> datetime.date:
    if not EARLIEST.date() <= day < END.date():
        raise ValueError("must fall in the years 1970 to 9998")
    return day


def _cache_key(value: object) -> CacheKey:
    key = CacheKey.parse(value) if isinstance(value, str) else None
    if key is None:
        raise ValueError("not an attendance cache key")
    _supported_day(key.day)
    return key


Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, max_length=254, pattern=EMAIL_PATTERN),
]
NewPassword = Annotated[str, Field(min_length=6), AfterValidator(_fits_bcrypt)]
AnyPassword = Annotated[str, AfterValidator(_fits_bcrypt)]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(_readable),
]
ClassName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_readable),
]
# Why a finished roll call was corrected: one readable line, as a name is.
Reason = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    AfterValidator(_readable),
]
Moment = Annotated[datetime.datetime, BeforeValidator(_iso_text), AfterValidator(_supported_moment)]
Day = Annotated[datetime.date, AfterValidator(_supported_day)]
# JSON booleans and integers as sent, never "yes", "5" or 5.0: a client that sends those has
# misread the contract, and guessing what it meant hides the mistake.
JsonBool = Annotated[bool, Strict()]
JsonInt = Annotated[int, Strict()]


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
    lateAfterMinutes: Annotated[JsonInt, Field(ge=0, le=240)] | None = None
    checkIn: JsonBool = True


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


class AmendInput(Input):
    """`PATCH /class/:id/sessions/:sessionId/attendance/:studentId` (docs/records.md)."""

    status: Status
    reason: Reason


class MarkInput(SessionTarget):
    studentId: uuid.UUID
    status: Status
    # Offline replay (SPEC §8): when the teacher tapped, and the client's id for the tap.
    markedAt: Moment | None = None
    opId: uuid.UUID | None = None

    def as_mark(self, teacher: Principal, source: str) -> Mark:
        return Mark(self.studentId, self.status, teacher.user_id, source, self.markedAt, self.opId)


class CachedMarkInput(MarkInput):
    """`POST /attendance/mark`: the class is named, and the cache entry may set its own TTL."""

    classId: uuid.UUID
    ttl: Annotated[JsonInt, Field(ge=60, le=86400)] | None = None


class CheckInInput(SessionTarget):
    code: Annotated[str, StringConstraints(max_length=16)]


class ClassQuery(Input):
    classId: uuid.UUID


class StudentDayQuery(Input):
    classId: uuid.UUID
    studentId: uuid.UUID
    date: Day | None = None


class CacheKeyQuery(Input):
    key: Annotated[CacheKey, PlainValidator(_cache_key, json_schema_input_type=str)]
