"""deliverer.py: the backoff schedule and the Standard Webhooks headers."""

from __future__ import annotations

from datetime import UTC, datetime

from standardwebhooks import Webhook

from headcount.deliverer import FIRST_RETRY_SECONDS, LONGEST_RETRY_SECONDS, backoff, headers

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def test_backoff_doubles_within_full_jitter_and_is_capped() -> None:
    for attempts in range(1, 30):
        ceiling = min(LONGEST_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** (attempts - 1))
        for _ in range(20):
            assert ceiling / 2 <= backoff(attempts) <= ceiling


def test_headers_verify_with_the_standard_webhooks_package() -> None:
    body = '{"type":"session.started","timestamp":"x","data":{}}'
    sent = headers("msg_1", SECRET, body, datetime.now(UTC))
    assert sent["webhook-id"] == "msg_1" and sent["content-type"] == "application/json"
    assert Webhook(SECRET).verify(body, sent)["type"] == "session.started"
