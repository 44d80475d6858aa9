"""domain/tallies.py's months: which tallies a range of days may read whole."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headcount.domain.tallies import full_months, month_of, next_month


def test_month_of_a_time_is_its_utc_month() -> None:
    assert month_of(datetime(2025, 3, 31, 23, 30, tzinfo=UTC)) == date(2025, 3, 1)
    # 00:30 on 1 April in Paris is still March in UTC.
    paris = timezone(timedelta(hours=2))
    assert month_of(datetime(2025, 4, 1, 0, 30, tzinfo=paris)) == date(2025, 3, 1)
    # SQLite hands back naive times, which are UTC.
    assert month_of(datetime(2025, 4, 1, 0, 30)) == date(2025, 4, 1)


@pytest.mark.parametrize(
    ("day", "following"),
    [
        (date(2025, 1, 31), date(2025, 2, 1)),
        (date(2024, 2, 29), date(2024, 3, 1)),
        (date(2025, 3, 1), date(2025, 4, 1)),
        (date(2025, 12, 31), date(2026, 1, 1)),
    ],
)
def test_next_month(day: date, following: date) -> None:
    assert next_month(day) == following


@pytest.mark.parametrize(
    ("first", "last", "months"),
    [
        (date(2025, 3, 1), date(2025, 3, 31), (date(2025, 3, 1), date(2025, 4, 1))),
        (date(2025, 2, 15), date(2025, 4, 15), (date(2025, 3, 1), date(2025, 4, 1))),
        (date(2024, 12, 1), date(2025, 2, 28), (date(2024, 12, 1), date(2025, 3, 1))),
        (date(2025, 3, 2), date(2025, 3, 31), (date(2025, 4, 1), date(2025, 4, 1))),
        (date(2025, 3, 1), date(2025, 3, 30), (date(2025, 3, 1), date(2025, 3, 1))),
        (date(2025, 3, 5), date(2025, 3, 6), (date(2025, 4, 1), date(2025, 3, 1))),
        (date(2025, 12, 31), date(2026, 1, 31), (date(2026, 1, 1), date(2026, 2, 1))),
    ],
)
def test_full_months(first: date, last: date, months: tuple[date, date]) -> None:
    assert full_months(first, last) == months


@given(st.dates(date(1970, 1, 1), date(2099, 12, 31)), st.integers(0, 800))
def test_a_day_is_in_a_whole_month_exactly_when_its_month_lies_inside_the_range(
    first: date, span: int
) -> None:
    last = first + timedelta(days=span)
    start, end = full_months(first, last)
    day = first
    while day <= last:
        month = month_of(day)
        # Worked out apart from `next_month`, which the range's ends rely on.
        following = month_of(month + timedelta(days=31))
        whole = first <= month and following - timedelta(days=1) <= last
        assert (start <= month < end) == whole, day
        day += timedelta(days=13)
