"""fanout/wire.py: every domain event survives the bus's encoding unchanged."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from headcount.domain.events import (
    AccessRevoked,
    AudienceJoined,
    AudienceLeft,
    Event,
    Finished,
    Marked,
    SessionOpened,
    Summarized,
)
from headcount.fanout import wire

COUNTS = {"present": 1, "absent": 0, "late": 2, "excused": 0, "total": 3}
EVENTS: list[Event] = [
    Marked(uuid.uuid4(), uuid.uuid4(), "late"),
    Summarized(uuid.uuid4(), COUNTS),  # type: ignore[arg-type]
    Finished(uuid.uuid4(), COUNTS),  # type: ignore[arg-type]
    SessionOpened(uuid.uuid4(), uuid.uuid4(), datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)),
    AudienceJoined(uuid.uuid4(), uuid.uuid4()),
    AudienceLeft(uuid.uuid4(), uuid.uuid4()),
    AccessRevoked(uuid.uuid4()),
    AccessRevoked(uuid.uuid4(), "a-token-id"),
]


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: type(e).__name__)
def test_round_trip(event: Event) -> None:
    assert wire.decode(wire.encode(event)) == event


@pytest.mark.parametrize(
    "raw", [b"", b"not json", b"[]", b'{"k": "Nope", "e": {}}', b'{"k": "Marked", "e": {}}']
)
def test_anything_else_is_a_wire_error(raw: bytes) -> None:
    with pytest.raises(wire.WireError):
        wire.decode(raw)
