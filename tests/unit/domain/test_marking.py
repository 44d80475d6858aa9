"""marking: which mark wins (SPEC §8), as a rule of its own, without a database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from headcount.domain.marking import CHECK_IN, DONE, EXCUSAL, Mark, _wins

NOON = datetime(2026, 12, 1, 12, tzinfo=UTC)
EARLIER, LATER = NOON - timedelta(minutes=5), NOON + timedelta(minutes=5)


def mark(source: str = "ws") -> Mark:
    return Mark(uuid.uuid4(), "present", uuid.uuid4(), source)


def test_the_first_mark_wins() -> None:
    assert _wins(mark(), NOON, None)
    assert _wins(mark(CHECK_IN), NOON, None)


@pytest.mark.parametrize("stored_source", ["ws", "rest", "socketio", DONE])
def test_the_newest_teacher_mark_wins(stored_source: str) -> None:
    assert _wins(mark(), LATER, ("absent", NOON, stored_source))
    assert _wins(mark(), NOON, ("absent", NOON, stored_source))
    assert not _wins(mark(), EARLIER, ("absent", NOON, stored_source))


@pytest.mark.parametrize("provisional", [CHECK_IN, EXCUSAL])
def test_a_teacher_mark_replaces_a_provisional_one_whenever_it_was_made(provisional: str) -> None:
    assert _wins(mark(), EARLIER, ("excused", NOON, provisional))


@pytest.mark.parametrize("stored_source", ["ws", CHECK_IN, EXCUSAL])
def test_a_check_in_never_replaces_anything(stored_source: str) -> None:
    assert not _wins(mark(CHECK_IN), LATER, ("absent", NOON, stored_source))
