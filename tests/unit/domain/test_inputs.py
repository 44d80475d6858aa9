"""The one place inputs are checked: out-of-range times, loose types and names nobody can see."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from headcount.domain.inputs import (
    CachedMarkInput,
    CacheKeyQuery,
    ClassInput,
    MarkInput,
    SignupInput,
    StartInput,
    StudentDayQuery,
)

# Fixed, because a test's name holds one: every pytest-xdist worker must collect the same names.
CLASS_ID = "0b7e4f2a-5d1c-4e8a-9f3b-2c6d8e1a4b70"
STUDENT_ID = "6a2d9c4e-1f7b-4a3c-8e5d-0b9f2a7c6e13"
MARK = {"classId": CLASS_ID, "studentId": STUDENT_ID, "status": "present"}
SIGNUP = {"email": "ann@school.example", "password": "secret-pass", "role": "student"}


def refused(model: type[BaseModel], data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        model.model_validate(data)


OUT_OF_RANGE_TIMES = [
    "9999-12-31T23:59:59-12:00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59.999Z",
    "0001-01-01T00:00:00.000Z",
    "1969-12-31T23:59:59Z",
]


@pytest.mark.parametrize("moment", OUT_OF_RANGE_TIMES)
def test_a_time_outside_the_supported_years_is_refused(moment: str) -> None:
    refused(MarkInput, {**MARK, "markedAt": moment})
    refused(CachedMarkInput, {**MARK, "markedAt": moment})


@pytest.mark.parametrize("moment", [1741687200, 1741687200.5, True, "1741687200", "yesterday"])
def test_a_time_that_is_not_iso_text_is_refused(moment: object) -> None:
    refused(MarkInput, {**MARK, "markedAt": moment})


@pytest.mark.parametrize(
    ("moment", "utc"),
    [
        ("2025-03-11T10:00:00.000Z", datetime(2025, 3, 11, 10, tzinfo=UTC)),
        ("2025-03-11T12:30:00+02:30", datetime(2025, 3, 11, 10, tzinfo=UTC)),
        ("2025-03-11T10:00:00", datetime(2025, 3, 11, 10, tzinfo=UTC)),
        ("1970-01-01T00:00:00Z", datetime(1970, 1, 1, tzinfo=UTC)),
        ("9998-12-31T23:59:59.999Z", datetime(9998, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)),
    ],
)
def test_a_time_in_range_is_read_as_utc(moment: str, utc: datetime) -> None:
    assert MarkInput.model_validate({**MARK, "markedAt": moment}).markedAt == utc


@pytest.mark.parametrize("day", ["9999-12-31", "9999-01-01", "0001-01-01", "1969-12-31"])
def test_a_day_outside_the_supported_years_is_refused(day: str) -> None:
    refused(StudentDayQuery, {"classId": CLASS_ID, "studentId": STUDENT_ID, "date": day})
    refused(CacheKeyQuery, {"key": f"attendance_{CLASS_ID}_{STUDENT_ID}_{day}"})


def test_a_day_in_range_is_read() -> None:
    query = {"classId": CLASS_ID, "studentId": STUDENT_ID, "date": "2025-03-11"}
    assert StudentDayQuery.model_validate(query).date == date(2025, 3, 11)
    key = CacheKeyQuery.model_validate({"key": f"attendance_{CLASS_ID}_{STUDENT_ID}_9998-12-31"})
    assert key.key.day == date(9998, 12, 31)
    assert str(key.key.class_id) == CLASS_ID


@pytest.mark.parametrize("key", ["", "attendance_x_y_2025-03-11", f"attendance_{CLASS_ID}"])
def test_a_malformed_cache_key_is_refused(key: str) -> None:
    refused(CacheKeyQuery, {"key": key})


@pytest.mark.parametrize("check_in", ["yes", "true", 1, 0, "false", None])
def test_check_in_is_a_json_boolean(check_in: object) -> None:
    refused(StartInput, {"classId": CLASS_ID, "checkIn": check_in})


@pytest.mark.parametrize("minutes", ["5", 5.0, True, "five"])
def test_late_after_minutes_is_a_json_integer(minutes: object) -> None:
    refused(StartInput, {"classId": CLASS_ID, "lateAfterMinutes": minutes})


@pytest.mark.parametrize("ttl", ["600", 600.0, True])
def test_ttl_is_a_json_integer(ttl: object) -> None:
    refused(CachedMarkInput, {**MARK, "ttl": ttl})


def test_well_typed_start_and_mark_pass() -> None:
    body = {"classId": CLASS_ID, "checkIn": False, "lateAfterMinutes": 5}
    start = StartInput.model_validate(body)
    assert (start.checkIn, start.lateAfterMinutes) == (False, 5)
    assert CachedMarkInput.model_validate({**MARK, "ttl": 600}).ttl == 600


INVISIBLE_NAMES = [
    "\u200b",
    "\u200b\u200c\u200d",
    "\u2060\ufeff",
    "\u00ad",
    "\u3164",
    "\u115f\u1160",
    "\uffa0",
    "\u2800\u2800",
    "\u200b \u200b",
    "\u0301",
    "\u200e\u200f",
]
BIDI_CONTROLLED = [
    "Ann\u202eevil.exe",
    "\u202aAnn",
    "\u202bAnn",
    "Ann\u202c",
    "\u202dAnn",
    "\u2066Ann\u2069",
    "\u2067Ann",
    "\u2068Ann",
]
CONTROLLED = ["Ann\nBob", "Ann\tBob", "Ann\rBob", "Ann\x1bBob", "Ann\x85Bob"]


@pytest.mark.parametrize("name", INVISIBLE_NAMES + BIDI_CONTROLLED + CONTROLLED)
def test_names_nobody_can_read_are_refused(name: str) -> None:
    refused(SignupInput, {**SIGNUP, "name": name})
    refused(ClassInput, {"className": name})


@pytest.mark.parametrize(
    "name",
    ["Zoë", "محمد\u200f", "שלום", "李小龙", "Ann\u200dBob", "José\u0301", "  Ann  ", "O'Neil"],
)
def test_names_people_can_read_pass(name: str) -> None:
    assert SignupInput.model_validate({**SIGNUP, "name": name}).name == name.strip()
    assert ClassInput.model_validate({"className": name}).className == name.strip()
