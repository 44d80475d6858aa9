"""Request bodies over 1 MiB are refused before anyone reads them (413, in the envelope)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from headcount.domain.errors import DomainError, Kind
from headcount.http.envelope import fail

MAX_BODY_BYTES = 1024 * 1024


def body_too_large() -> DomainError:
    return DomainError(Kind.TOO_LARGE, "Request body too large")


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await fail(413, "Request body too large")(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise body_too_large()
            return message

        await self.app(scope, counted, send)
