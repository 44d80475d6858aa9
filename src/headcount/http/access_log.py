"""One log line and one metric sample per HTTP request: method, path, status, duration and
who asked (never a token)."""

from __future__ import annotations

import structlog
from starlette.types import Scope

from headcount import metrics

log = structlog.get_logger("headcount.access")


def record(scope: Scope, status: int, seconds: float) -> None:
    route = getattr(scope.get("route"), "path", "unmatched")
    metrics.HTTP_REQUESTS.labels(scope["method"], route, str(status)).inc()
    metrics.HTTP_SECONDS.labels(scope["method"], route).observe(seconds)
    log.info(
        "request",
        method=scope["method"],
        path=scope["path"],
        status=status,
        duration_ms=round(seconds * 1000, 2),
        user_id=scope.get("state", {}).get("user_id"),
    )
