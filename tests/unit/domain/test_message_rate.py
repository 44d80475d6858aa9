"""message_rate: 50 messages a second from one socket, bursts of 50, no more."""

from __future__ import annotations

from headcount.domain.message_rate import RATE, MessageRate


def test_a_burst_of_the_rate_passes_and_the_next_does_not() -> None:
    rate = MessageRate(at=100.0)
    assert all(rate.allows(100.0) for _ in range(int(RATE)))
    assert not rate.allows(100.0)


def test_the_bucket_refills_at_the_rate_and_no_further() -> None:
    rate = MessageRate(at=100.0)
    for _ in range(int(RATE)):
        rate.allows(100.0)
    assert rate.allows(100.0 + 1.5 / RATE)  # one and a half messages' worth
    assert not rate.allows(100.0 + 1.5 / RATE)
    later = 1000.0
    assert sum(rate.allows(later) for _ in range(int(RATE) * 2)) == int(RATE)


def test_a_refused_message_takes_nothing() -> None:
    rate = MessageRate(tokens=0.5, at=100.0)
    assert not rate.allows(100.0)
    assert rate.allows(100.0 + 0.6 / RATE)
