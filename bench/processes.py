"""Every process the bench starts, each the leader of its own group, ended by that group's id,
also on failure or Ctrl-C; and what the run prints while it goes."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.config import ROOT


class Processes:
    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.servers: list[subprocess.Popen[bytes]] = []
        self.clients: list[asyncio.subprocess.Process] = []

    def log_path(self, name: str) -> Path:
        return self.logs / f"{name}.log"

    def server(
        self, name: str, argv: list[str], env: dict[str, str], cwd: Path
    ) -> subprocess.Popen[bytes]:
        with self.log_path(name).open("wb") as log:
            proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=cwd,
                start_new_session=True,
            )
        self.servers.append(proc)
        return proc

    async def client(self, name: str, argv: list[str]) -> asyncio.subprocess.Process:
        with self.log_path(name).open("wb") as log:
            proc = await asyncio.create_subprocess_exec(
                *argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                cwd=ROOT,
                start_new_session=True,
                limit=1 << 20,
            )
        self.clients.append(proc)
        return proc

    def exited(self, proc: subprocess.Popen[bytes]) -> bool:
        return proc.poll() is not None

    async def stop(self, clients_only: bool = False) -> None:
        """SIGTERM every group, wait up to 10 s, then SIGKILL whatever is left of each group."""
        groups = [p.pid for p in self.clients] + (
            [] if clients_only else [p.pid for p in self.servers]
        )
        for pid in groups:
            signal_group(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for client in self.clients:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(client.wait(), max(0.1, deadline - time.monotonic()))
        if not clients_only:
            for _ in range(50):  # up to 10 s
                if time.monotonic() > deadline or all(map(self.exited, self.servers)):
                    break
                await asyncio.sleep(0.2)
        for pid in groups:
            signal_group(pid, signal.SIGKILL)
        for client in self.clients:
            with contextlib.suppress(ProcessLookupError):
                await client.wait()
        self.clients.clear()
        if not clients_only:
            for server in self.servers:
                server.wait(5)
            self.servers.clear()


async def settle(busy_below: float = 0.25, window: float = 0.3, limit: float = 10.0) -> None:
    """Return once the machine's cores are busy less than `busy_below` of a `window` (or after
    `limit` seconds, if other work keeps them busy)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = _cpu_times()
        await asyncio.sleep(window)
        after = _cpu_times()
        total = sum(after) - sum(before)
        if total > 0 and 1 - (after[3] + after[4] - before[3] - before[4]) / total < busy_below:
            return


def _cpu_times() -> list[int]:
    """user, nice, system, idle, iowait, ...: the machine's ticks so far (/proc/stat)."""
    with open("/proc/stat") as stat:
        return [int(field) for field in stat.readline().split()[1:]]


def signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def say(line: str) -> None:
    print(line, flush=True)


def show_logs(logs: Path) -> None:
    for log in sorted(logs.glob("*.log")):
        tail = log.read_text(errors="replace").splitlines()[-15:]
        if tail:
            print(f"--- {log.name} (last lines)\n" + "\n".join(tail), file=sys.stderr)
