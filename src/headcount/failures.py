"""What any failure becomes on every transport, from one table.

A transport hands over whatever its work raised and gets back one `Failure`: the HTTP status
and envelope text, the text a live connection is told (`ERROR` on /ws, `exception` on
Socket.IO), and how long to wait before trying again. Refusals the contract names keep their
exact messages; an unreachable database is `Service unavailable`; anything else is logged
with its traceback and shown only as `Internal server error`.
"""

from __future__ import annotations

from dataclasses import dataclass

import structlog
from pydantic import ValidationError

from headcount.domain import errors
from headcount.domain.errors import DomainError, Kind
from headcount.store.faults import is_unavailable

log = structlog.get_logger(__name__)
INTERNAL = "Internal server error"
TOO_MANY_MESSAGES = "Too many messages"


@dataclass(frozen=True, slots=True)
class Failure:
    status: int
    message: str
    live_message: str
    retry_after: int | None = None


# kind: (HTTP status, what a live connection is told instead of the message, if anything)
TABLE: dict[Kind, tuple[int, str | None]] = {
    Kind.INVALID: (400, None),
    Kind.UNAUTHORIZED: (401, None),
    Kind.FORBIDDEN: (403, None),
    Kind.NOT_FOUND: (404, None),
    Kind.CONFLICT: (409, None),
    # Over a socket, every limit reads as the per-connection one (SPEC §5, §8).
    Kind.TOO_MANY: (429, TOO_MANY_MESSAGES),
    Kind.TOO_LARGE: (413, None),
    Kind.UNAVAILABLE: (503, None),
}


def of_domain(exc: DomainError) -> Failure:
    status, live = TABLE[exc.kind]
    return Failure(status, exc.message, live or exc.message, exc.retry_after)


def failure_of(exc: BaseException, where: str) -> Failure:
    """The failure `exc` is, logged as it deserves; `where` names the request or event."""
    if isinstance(exc, ValidationError):
        exc = errors.invalid_schema()
    elif is_unavailable(exc):
        log.warning("service unavailable", where=where, error=repr(exc))
        exc = errors.unavailable()
    if isinstance(exc, DomainError):
        return of_domain(exc)
    log.error("unhandled error", where=where, exc_info=exc)
    return Failure(500, INTERNAL, INTERNAL)
