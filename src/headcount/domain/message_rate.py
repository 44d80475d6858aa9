"""How fast one socket may send: at most `RATE` messages a second, with bursts up to `RATE`
(a token bucket). Kept on the socket itself, so it costs two floats a socket and ends with it.

`limits`' in-process storage, used here before, keeps every key in one table and clears it
from a timer thread restarted every 10 ms while messages come in: in the district bench that
thread and its walk over every socket that ever spoke took a tenth of a process's samples.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

RATE = 50.0


@dataclass(slots=True)
class MessageRate:
    tokens: float = RATE
    at: float = field(default_factory=time.monotonic)

    def allows(self, now: float | None = None) -> bool:
        """Whether one more message may pass now, taking it if so."""
        now = time.monotonic() if now is None else now
        self.tokens = min(RATE, self.tokens + (now - self.at) * RATE)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True
