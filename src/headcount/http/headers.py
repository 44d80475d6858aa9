"""Security headers on every HTTP response."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import Message, Scope

# JSON needs no sources at all; our pages load only from this server; the interactive docs
# load Swagger UI from its CDN with an inline bootstrap script.
API_POLICY = "default-src 'none'; frame-ancestors 'none'"
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
DOCS_POLICY = (
    "default-src 'self'; img-src 'self' data: https://fastapi.tiangolo.com; "
    "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "connect-src 'self'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")


def _policy(scope: Scope, headers: MutableHeaders) -> str:
    if scope["path"].startswith(DOCS_PATHS):
        return DOCS_POLICY
    return PAGE_POLICY if headers.get("content-type", "").startswith("text/html") else API_POLICY


def secure(scope: Scope, start: Message) -> None:
    """Adds the headers to an `http.response.start` message, keeping any a route set."""
    headers = MutableHeaders(scope=start)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Content-Security-Policy", _policy(scope, headers))
