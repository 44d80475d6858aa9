"""Security headers on every HTTP response."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import Message, Scope

# JSON needs no sources at all; our pages, the interactive docs included, load only from this
# server and run no inline script.
API_POLICY = "default-src 'none'; frame-ancestors 'none'"
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def _policy(headers: MutableHeaders) -> str:
    return PAGE_POLICY if headers.get("content-type", "").startswith("text/html") else API_POLICY


def secure(scope: Scope, start: Message) -> None:
    """Adds the headers to an `http.response.start` message, keeping any a route set."""
    headers = MutableHeaders(scope=start)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Content-Security-Policy", _policy(headers))
