"""Where a webhook may be sent: http(s) only, and never, unless the install allows it, to an
address inside the network the server runs in (so a school cannot make it probe its own)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from headcount.domain import errors


def _private(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return not ip.is_global or ip.is_multicast


async def check(url: str, allow_private: bool) -> None:
    """Raise `Webhook URL not allowed` unless `url` is http(s) to a host whose every address
    is public (or private ones are allowed)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise errors.webhook_url_not_allowed() from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise errors.webhook_url_not_allowed()
    if allow_private:
        return
    try:
        found = await asyncio.get_running_loop().getaddrinfo(
            parts.hostname,
            port or (443 if parts.scheme == "https" else 80),
            type=socket.SOCK_STREAM,
        )
    except (OSError, UnicodeError):
        raise errors.webhook_url_not_allowed() from None
    if not found or any(_private(str(info[4][0])) for info in found):
        raise errors.webhook_url_not_allowed()
