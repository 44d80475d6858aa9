"""Request bodies over 1 MiB (a roster file: 20 MiB) are refused before anyone reads them
(413, in the envelope)."""

from __future__ import annotations

from starlette.types import Message, Receive, Scope

from headcount.domain.errors import DomainError, Kind

MAX_BODY_BYTES = 1024 * 1024
# Bodies that are files, by path: a roster zip of a large school is some MiB.
LARGER_BODIES = {"/admin/rosters": 20 * 1024 * 1024}


def body_too_large() -> DomainError:
    return DomainError(Kind.TOO_LARGE, "Request body too large")


def limit_of(scope: Scope) -> int:
    path: str = scope["path"]
    return LARGER_BODIES.get(path, MAX_BODY_BYTES)


def declares_too_much(scope: Scope, max_bytes: int = MAX_BODY_BYTES) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return value.isdigit() and int(value) > max_bytes
    return False


def counted(receive: Receive, max_bytes: int = MAX_BODY_BYTES) -> Receive:
    """`receive` that raises 413 once the body read so far passes `max_bytes` (a chunked
    body declares no length)."""
    seen = 0

    async def counting() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > max_bytes:
            raise body_too_large()
        return message

    return counting
