"""marking: which mark wins (SPEC §8). The rule is SQL in the upsert, so it is weighed here by
the upsert itself, on an in-memory SQLite table: no server, no other table."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Connection, create_engine, insert, select

from headcount.domain.marking import CHECK_IN, DONE, EXCUSAL, upsert_mark
from headcount.store.tables import Attendance

NOON = datetime(2026, 12, 1, 12, tzinfo=UTC)
EARLIER, LATER = NOON - timedelta(minutes=5), NOON + timedelta(minutes=5)
IDS = {"session_id": uuid.uuid4(), "class_id": uuid.uuid4(), "student_id": uuid.uuid4()}


@pytest.fixture
def conn() -> Iterator[Connection]:
    engine = create_engine("sqlite://")
    Attendance.__table__.create(engine)  # type: ignore[attr-defined]
    with engine.begin() as connection:
        yield connection


def store(conn: Connection, status: str, at: datetime, source: str) -> None:
    conn.execute(insert(Attendance).values(**IDS, status=status, marked_at=at, source=source))


def wins(conn: Connection, at: datetime, source: str = "ws") -> bool:
    """Propose `present` made at `at`; whether it was written."""
    row = {**IDS, "status": "present", "marked_at": at, "source": source}
    written = conn.execute(upsert_mark("sqlite").returning(Attendance.id), row).first()
    stored = conn.execute(select(Attendance.status, Attendance.source)).one()
    assert (stored.status == "present" and stored.source == source) == (written is not None)
    return written is not None


@pytest.mark.parametrize("source", ["ws", CHECK_IN])
def test_the_first_mark_wins(conn: Connection, source: str) -> None:
    assert wins(conn, NOON, source)


@pytest.mark.parametrize("stored_source", ["ws", "rest", "socketio", DONE])
@pytest.mark.parametrize(("at", "expected"), [(LATER, True), (NOON, True), (EARLIER, False)])
def test_the_newest_teacher_mark_wins(
    conn: Connection, stored_source: str, at: datetime, expected: bool
) -> None:
    store(conn, "absent", NOON, stored_source)
    assert wins(conn, at) is expected


@pytest.mark.parametrize("provisional", [CHECK_IN, EXCUSAL])
def test_a_teacher_mark_replaces_a_provisional_one_whenever_it_was_made(
    conn: Connection, provisional: str
) -> None:
    store(conn, "excused", NOON, provisional)
    assert wins(conn, EARLIER)


@pytest.mark.parametrize("stored_source", ["ws", CHECK_IN, EXCUSAL])
def test_a_check_in_never_replaces_anything(conn: Connection, stored_source: str) -> None:
    store(conn, "absent", NOON, stored_source)
    assert not wins(conn, LATER, CHECK_IN)
