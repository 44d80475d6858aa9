"""The listening sockets of a single-process `headcount serve`.

libuv, which runs uvloop, accepts one connection per turn of the event loop (since libuv's
"unix: don't accept() connections in a loop", PR 3696). Under load a turn lasts 10 to 20 ms,
so when 50 clients connected at once the last of them waited half a second for its first
request to be read: the p99 of GET /class/:id in `make bench` was that wait
(docs/performance.md). Several sockets listening on the one port with `SO_REUSEPORT`, over
which Linux spreads new connections, each accept one a turn.

The port is bound alone first, without `SO_REUSEPORT`: a port another process holds stops
start-up as uvicorn's own bind would, and a second `headcount serve` on the same port fails
instead of sharing it.
"""

from __future__ import annotations

import socket

LISTENERS = 8


def bind(host: str, port: int) -> list[socket.socket]:
    """Sockets listening on (`host`, `port`); `port` 0 takes a free one for all of them."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with _socket(family, share=False) as probe:
        probe.bind((host, port))
        port = probe.getsockname()[1]
    share = hasattr(socket, "SO_REUSEPORT")  # not on Windows: one socket, as uvicorn's
    sockets: list[socket.socket] = []
    try:
        for _ in range(LISTENERS if share else 1):
            sockets.append(_socket(family, share))
            sockets[-1].bind((host, port))
    except OSError:
        for opened in sockets:
            opened.close()
        raise
    return sockets


def _socket(family: socket.AddressFamily, share: bool) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if share:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    return sock
