"""domain/checkin.py: rotating codes, valid for their 20-second step and the one after."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp

from headcount.domain import checkin

SECRET = pyotp.random_base32()
MOMENT = datetime(2026, 3, 11, 10, 0, 5, tzinfo=UTC)


def test_a_code_is_six_digits_and_the_same_within_its_step() -> None:
    code = checkin.code_at(SECRET, MOMENT)
    assert len(code) == 6 and code.isdigit()
    assert checkin.code_at(SECRET, MOMENT + timedelta(seconds=14)) == code


def test_the_code_expires_at_the_end_of_its_step() -> None:
    assert checkin.expires_at(MOMENT) == datetime(2026, 3, 11, 10, 0, 20, tzinfo=UTC)
    assert checkin.expires_at(datetime(2026, 3, 11, 10, 0, 20, tzinfo=UTC)) == datetime(
        2026, 3, 11, 10, 0, 40, tzinfo=UTC
    )


def test_the_current_and_the_previous_code_are_accepted() -> None:
    code = checkin.code_at(SECRET, MOMENT)
    assert checkin.accepts(SECRET, code, MOMENT)
    assert checkin.accepts(SECRET, code, MOMENT + timedelta(seconds=20))
    assert not checkin.accepts(SECRET, code, MOMENT + timedelta(seconds=40))


def test_another_session_s_code_and_a_guess_are_refused() -> None:
    other = checkin.code_at(pyotp.random_base32(), MOMENT)
    code = checkin.code_at(SECRET, MOMENT)
    assert other == code or not checkin.accepts(SECRET, other, MOMENT)
    assert not checkin.accepts(SECRET, "", MOMENT)
    assert not checkin.accepts(SECRET, "12345", MOMENT)
