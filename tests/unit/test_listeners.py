"""listeners.py: several sockets share one port, and a port already taken is refused."""

from __future__ import annotations

import errno
import socket

import pytest

from headcount import listeners


def test_every_socket_listens_on_the_same_port() -> None:
    sockets = listeners.bind("127.0.0.1", 0)
    try:
        ports = {sock.getsockname()[1] for sock in sockets}
        assert len(sockets) == listeners.LISTENERS and len(ports) == 1
    finally:
        for sock in sockets:
            sock.close()


@pytest.mark.parametrize("shared", [False, True], ids=["plain", "port-shared"])
def test_a_port_already_listened_on_is_refused(shared: bool) -> None:
    """By any other program (`plain`), and by another Headcount whose sockets share theirs."""
    holders = listeners.bind("127.0.0.1", 0) if shared else [socket.create_server(("127.0.0.1", 0))]
    try:
        for holder in holders:
            holder.listen()
        with pytest.raises(OSError) as refused:
            listeners.bind("127.0.0.1", holders[0].getsockname()[1])
        assert refused.value.errno == errno.EADDRINUSE
    finally:
        for holder in holders:
            holder.close()
