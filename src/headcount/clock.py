"""Time as the contract writes it: UTC, millisecond precision, JavaScript's ISO form."""

from __future__ import annotations

from datetime import UTC, date, datetime, time


def now() -> datetime:
    """The current UTC time truncated to milliseconds, so stored and rendered values agree."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def start_of(day: date) -> datetime:
    """Midnight UTC at the start of `day`: days of the reports and tallies are UTC days."""
    return datetime.combine(day, time(), UTC)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def readable(moment: datetime) -> str:
    """`2025-03-11 10:00 UTC`: a time as a person reads it, to the minute, saying its zone."""
    return as_utc(moment).strftime("%Y-%m-%d %H:%M UTC")


def iso(moment: datetime) -> str:
    """`2025-03-11T10:00:00.000Z`, what `Date.prototype.toISOString()` prints."""
    utc = as_utc(moment)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
