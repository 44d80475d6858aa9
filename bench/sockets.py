"""The WebSocket clients: the teacher's socket, held by the runner, and the student sockets,
held by `bench.wsload` processes so that reading them never becomes the bottleneck."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from pathlib import Path

import orjson
from websockets.asyncio.client import ClientConnection, connect

from bench.config import Config
from bench.processes import Processes
from bench.servers import Server


class Teacher:
    """Sends events and timestamps what comes back."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.waiting: dict[str, asyncio.Future[float]] = {}
        self.errors: list[str] = []
        self.reader = asyncio.create_task(self._read())

    @classmethod
    async def open(cls, server: Server) -> Teacher:
        ws = await connect(
            f"{server.ws_url}?token={server.teacher_token}",
            compression=None,
            proxy=None,
            ping_interval=None,
            open_timeout=30,
            max_queue=None,
        )
        return cls(ws)

    async def _read(self) -> None:
        async for raw in self.ws:
            at = time.monotonic()
            message = orjson.loads(raw)
            waiter = self.waiting.pop(message.get("event"), None)
            if message.get("event") == "ERROR":
                self.errors.append(message["data"]["message"])
            if waiter is not None and not waiter.done():
                waiter.set_result(at)

    def expect(self, event: str) -> asyncio.Future[float]:
        self.waiting[event] = asyncio.get_running_loop().create_future()
        return self.waiting[event]

    async def send(self, event: str, data: dict[str, str]) -> float:
        sent = time.monotonic()
        await self.ws.send(orjson.dumps({"event": event, "data": data}).decode())
        return sent

    async def close(self) -> None:
        self.reader.cancel()
        self.ws.transport.abort()


async def spawn_load(
    processes: Processes, url: str, shares: list[list[str]], tmp: Path, label: str
) -> list[asyncio.subprocess.Process]:
    """One `bench.wsload` process per share of tokens, returned once each has its sockets open."""
    procs = []
    for n, tokens in enumerate(shares):
        path = tmp / f"tokens-{label}-{n}.txt"
        path.write_text("\n".join(tokens))
        argv = [sys.executable, "-m", "bench.wsload", url, str(path), "900"]
        procs.append(await processes.client(f"wsload-{label}-{n}", argv))
    await asyncio.wait_for(asyncio.gather(*map(ready, procs)), 180)
    return procs


async def ready(proc: asyncio.subprocess.Process) -> None:
    assert proc.stdout is not None
    line = await proc.stdout.readline()
    if not line.startswith(b"READY"):
        raise RuntimeError(f"a load client failed to connect its sockets: {line!r}")


class Fleet:
    """`cfg.clients` wsload processes holding one server's student sockets."""

    def __init__(self, server: Server, procs: list[asyncio.subprocess.Process]) -> None:
        self.server = server
        self.procs = procs
        self.reports: dict[str, list[float]] = {}
        self.waiting: dict[str, asyncio.Future[float]] = {}
        self.closed = [0] * len(procs)
        self.readers = [asyncio.create_task(self._read(n, p)) for n, p in enumerate(procs)]

    @classmethod
    async def start(
        cls, processes: Processes, server: Server, size: int, cfg: Config, tmp: Path
    ) -> Fleet:
        share = -(-size // cfg.clients)
        shares = [
            [server.token(i) for i in server.students[n * share : (n + 1) * share]]
            for n in range(cfg.clients)
        ]
        label = f"{server.port}-{size}"
        return cls(server, await spawn_load(processes, server.ws_url, shares, tmp, label))

    async def _read(self, n: int, proc: asyncio.subprocess.Process) -> None:
        assert proc.stdout is not None
        async for line in proc.stdout:
            word, *rest = line.decode().split()
            if word == "CLOSED":
                self.closed[n] = int(rest[0])
            elif word == "MARK":
                heard = self.reports.setdefault(rest[0], [])
                heard.append(float(rest[1]))
                waiter = self.waiting.get(rest[0])
                if len(heard) == len(self.procs) and waiter is not None and not waiter.done():
                    waiter.set_result(max(heard))

    def expect(self, student: str) -> asyncio.Future[float]:
        self.reports[student] = []
        self.waiting[student] = asyncio.get_running_loop().create_future()
        return self.waiting[student]

    async def close(self) -> None:
        for proc in self.procs:
            if proc.stdin is not None:
                proc.stdin.close()
        for proc in self.procs:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(proc.wait(), 20)
        for task in self.readers:
            task.cancel()
