"""Log an outage of a service once when it starts and once when it ends, never per request."""

from __future__ import annotations

import structlog

log = structlog.get_logger(__name__)


class Outage:
    def __init__(self, service: str) -> None:
        self.service = service
        self.active = False

    def begun(self, error: BaseException) -> None:
        if not self.active:
            self.active = True
            log.error(f"{self.service} unreachable", error=repr(error))

    def over(self) -> None:
        if self.active:
            self.active = False
            log.warning(f"{self.service} reachable again")
