"""domain/report_inputs.py: the reports' ranges and their defaults."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from headcount.domain.report_inputs import (
    ChronicQuery,
    NotTakenQuery,
    ReportQuery,
    StreakQuery,
    today,
)


def test_the_default_range_is_the_school_year_up_to_today() -> None:
    assert ReportQuery.model_validate({}).days() == (today() - timedelta(days=364), today())


def test_from_alone_runs_to_today_and_to_alone_a_year_back() -> None:
    assert ReportQuery.model_validate({"from": "2025-01-02"}).days() == (date(2025, 1, 2), today())
    assert ReportQuery.model_validate({"to": "2025-06-30"}).days() == (
        date(2024, 7, 1),
        date(2025, 6, 30),
    )


def test_a_range_near_the_epoch_starts_there() -> None:
    assert ReportQuery.model_validate({"to": "1970-02-01"}).days()[0] == date(1970, 1, 1)


def test_the_defaults_of_each_report() -> None:
    chronic = ChronicQuery.model_validate({})
    assert (chronic.threshold, chronic.minSessions) == (0.1, 10)
    assert StreakQuery.model_validate({}).min == 3
    assert NotTakenQuery.model_validate({}).day() == today()


@pytest.mark.parametrize(
    "query",
    [
        {"from": "2025-01-02", "to": "2025-01-01"},
        {"from": 20250101},
        {"to": "2025-1-1"},
        {"to": "2025-01-01T00:00:00"},
        {"from": "1969-12-31"},
    ],
)
def test_bad_ranges_are_refused(query: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        ReportQuery.model_validate(query)
