"""Rotating check-in codes (SPEC §8): TOTP (RFC 6238) over a per-session secret.

The secret is stored with the session, so every process derives the same code. A code is
valid during its 20-second step and the next one, so a student who read it just before it
rotated is still in time.
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime

import pyotp

STEP_SECONDS = 20
DIGITS = 6


def new_secret() -> str:
    return pyotp.random_base32()


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)


def code_at(secret: str, moment: datetime) -> str:
    return _totp(secret).at(moment)


def expires_at(moment: datetime) -> datetime:
    """The end of the step `moment` falls in: when this code stops being the current one."""
    step = int(moment.timestamp()) // STEP_SECONDS
    return datetime.fromtimestamp((step + 1) * STEP_SECONDS, UTC)


def accepts(secret: str, code: str, moment: datetime) -> bool:
    totp = _totp(secret)
    return any(
        hmac.compare_digest(totp.at(moment, counter_offset=offset), code) for offset in (0, -1)
    )
