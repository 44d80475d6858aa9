"""Resident memory of the servers (idle, with the largest class's sockets open, and per
socket) and the CPU time they used, from /proc."""

from __future__ import annotations

import os

from bench import report
from bench.servers import Server


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    """User plus system time of `pid` so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    # utime and stime are fields 14 and 15 of stat(5); the split starts at field 3.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def record_rss(results: report.Results, key: str, servers: list[Server]) -> None:
    """`rss.<key>` of each server that runs as one process (a pid of 0 says it does not)."""
    for server in servers:
        if server.pid:
            results.put(f"rss.{key}", server.name, rss_kib(server.pid))


def record_per_socket(results: report.Results, servers: list[Server], sockets: int) -> None:
    for server in servers:
        busy, idle = (results.get(f"rss.{k}", server.name) for k in ("busy", "idle"))
        results.put("rss.per_socket", server.name, (busy - idle) / sockets)
