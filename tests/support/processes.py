"""Which process of a server holds the server's end of a client's TCP connection.

Read from Linux's /proc: the kernel's own record of who accepted the connection, so a test can
tell the processes of `serve --workers N` apart without the server saying anything about it.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PROC = Path("/proc")
ESTABLISHED = "01"


def _server_end_inode(server_port: int, client_port: int) -> str:
    """The socket inode of the server's end: local port the server's, remote port the client's
    (IPv4 only: test servers listen on 127.0.0.1)."""
    for line in (PROC / "net" / "tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, state, inode = fields[1], fields[2], fields[3], fields[9]
        ports = int(local.rsplit(":", 1)[1], 16), int(remote.rsplit(":", 1)[1], 16)
        if state == ESTABLISHED and ports == (server_port, client_port):
            return inode
    raise AssertionError(f"no connection from port {client_port} to port {server_port}")


def _family(pid: int) -> list[int]:
    """`pid` and all its descendants."""
    children = [
        int(child)
        for task in (PROC / str(pid) / "task").iterdir()
        for child in (task / "children").read_text().split()
    ]
    return [pid, *(member for child in children for member in _family(child))]


def _open_files(pid: int) -> set[str]:
    """What the descriptors of `pid` point at; a descriptor closed while looking is left out."""
    fds = PROC / str(pid) / "fd"
    found = set()
    for fd in os.listdir(fds):
        with contextlib.suppress(FileNotFoundError):
            found.add(os.readlink(fds / fd))
    return found


def holder(server_pid: int, server_port: int, client_port: int) -> int:
    """The pid, among `server_pid` and its descendants, that holds the server's end of the
    connection from `client_port`."""
    target = f"socket:[{_server_end_inode(server_port, client_port)}]"
    for pid in _family(server_pid):
        if target in _open_files(pid):
            return pid
    raise AssertionError(f"no process of server {server_pid} holds {target}")
