"""Resident memory of the servers: idle, with the largest class's sockets open, and per socket."""

from __future__ import annotations

from bench import report
from bench.servers import Server


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def record_rss(results: report.Results, key: str, servers: list[Server]) -> None:
    """`rss.<key>` of each server that runs as one process (a pid of 0 says it does not)."""
    for server in servers:
        if server.pid:
            results.put(f"rss.{key}", server.name, rss_kib(server.pid))


def record_per_socket(results: report.Results, servers: list[Server], sockets: int) -> None:
    for server in servers:
        busy, idle = (results.get(f"rss.{k}", server.name) for k in ("busy", "idle"))
        results.put("rss.per_socket", server.name, (busy - idle) / sockets)
