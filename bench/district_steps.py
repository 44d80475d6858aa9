"""One step of the district run: sessions started, every teacher marking their class over the
step's window, then `DONE`; what came back, from the load clients' reports and from /proc and
/metrics of the servers."""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from bench.district_shape import Klass, Placement
from bench.fanout import percentile
from bench.memory import cpu_seconds
from bench.processes import say
from bench.servers import Server

P99_LIMIT_MS = 250.0
GRACE = 10.0  # seconds after the last send within which every mark must have arrived
STARTS_AT_ONCE = 16
BUS_METRIC = 'headcount_bus_messages_received_total{sender="other"}'
# What a class's teacher's server publishes in a step: SESSION_STARTED (the session is started
# there), one ATTENDANCE_MARKED per student and the DONE summary.
MESSAGES_PER_CLASS = 1 + 30 + 1


@dataclass
class Step:
    factor: int
    seconds: float
    marks: int = 0
    rate: float = math.nan  # marks/s achieved: marks ÷ first to last send
    p50: float = math.nan
    p99: float = math.nan
    max: float = math.nan
    lost: int = 0  # marks some socket had not heard GRACE seconds after the last send
    dropped: int = 0
    dones: int = 0  # DONE frames heard, one per socket expected
    error_count: int = 0  # ERROR replies to the teachers
    cpu_ms: float = math.nan  # both servers' CPU per mark
    bus: list[tuple[int, int]] = field(default_factory=list)  # per server: received, expected
    errors: list[str] = field(default_factory=list)  # the first few, for the report

    def kept_up(self, sockets: int) -> bool:
        """p99 within the limit, nothing lost or dropped, no error, every `DONE` heard."""
        whole = not (self.lost or self.dropped or self.error_count) and self.dones >= sockets
        return whole and self.p99 <= P99_LIMIT_MS


class Collector:
    """Reads every load client's reports into one view."""

    def __init__(self, procs: list[asyncio.subprocess.Process], reporters: dict[str, int]) -> None:
        self.procs = procs
        self.reporters = reporters  # per student, the load clients that report their marks
        self.completed = 0  # marks every reporter has reported
        self.news = asyncio.Event()
        self.sent: dict[str, float] = {}
        self.heard: dict[str, list[float]] = {}
        self.stepped = 0
        self.dones: list[int] = []
        self.closed = [0] * len(procs)
        self.errors: list[str] = []
        self.error_count = 0
        self.readers = [asyncio.create_task(self._read(n, p)) for n, p in enumerate(procs)]

    async def _read(self, n: int, proc: asyncio.subprocess.Process) -> None:
        assert proc.stdout is not None
        async for raw in proc.stdout:
            word, *rest = raw.decode().split(maxsplit=2)
            if word == "SENT":
                self.sent[rest[0]] = float(rest[1])
            elif word == "MARK":
                heard = self.heard.setdefault(rest[0], [])
                heard.append(float(rest[1]))
                self.completed += len(heard) == self.reporters[rest[0]]
            elif word == "STEPPED":
                self.stepped += 1
            elif word == "DONES":
                self.dones.append(int(rest[0]))
                self.error_count += int(rest[1])
            elif word == "CLOSED":
                self.closed[n] = int(rest[0])
            elif word == "ERROR":
                self.errors.append(" ".join(rest).strip())
            self.news.set()

    async def until(self, done: Callable[[], bool], seconds: float) -> None:
        """Until `done()` holds after some report, or `seconds` have passed."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                while not done():
                    self.news.clear()
                    await self.news.wait()

    async def command(self, line: str) -> None:
        for proc in self.procs:
            assert proc.stdin is not None
            proc.stdin.write(line.encode() + b"\n")
            await proc.stdin.drain()

    def reset(self) -> None:
        self.sent.clear()
        self.heard.clear()
        self.stepped = 0
        self.completed = 0
        self.dones.clear()
        self.errors.clear()
        self.error_count = 0

    async def close(self) -> None:
        for proc in self.procs:
            if proc.stdin is not None:
                proc.stdin.close()
        for task in self.readers:
            task.cancel()


async def run_step(
    http: httpx.AsyncClient,
    servers: list[Server],
    classes: list[Klass],
    placement: Placement,
    collector: Collector,
    step: Step,
) -> Step:
    bus_before = [await bus_received(http, s) for s in servers]
    await start_sessions(http, servers, classes)
    pids = [s.pid for s in servers]
    cpu_before = sum(map(cpu_seconds, pids))
    collector.reset()
    await collector.command(f"STEP {step.seconds} {'present' if step.factor % 2 else 'late'}")
    procs, marks = len(collector.procs), len(collector.reporters)
    await collector.until(lambda: collector.stepped == procs, 10 * step.seconds + 60)
    await collector.until(lambda: collector.completed == marks, GRACE)
    await count_dones(collector, sum(placement.sockets))
    step.cpu_ms = 1000 * (sum(map(cpu_seconds, pids)) - cpu_before) / max(1, len(collector.sent))
    for n, server in enumerate(servers):
        others = placement.listens[n] - placement.teaches[n]
        received = await bus_received(http, server) - bus_before[n]
        step.bus.append((received, MESSAGES_PER_CLASS * len(others)))
    measure(step, collector)
    return step


async def count_dones(collector: Collector, expected: int) -> None:
    """Ask the load clients what `DONE` frames they heard until every socket has heard its
    own, or GRACE seconds have passed: the teachers send `DONE` within one mark's gap of each
    other, so at a fast step the last ones are still being written when the marks are in."""
    deadline = time.monotonic() + GRACE
    while True:
        collector.dones.clear()
        collector.error_count = 0  # each answer counts since the step began
        await collector.command("COUNT")
        await collector.until(lambda: len(collector.dones) == len(collector.procs), 60)
        if sum(collector.dones) >= expected or time.monotonic() > deadline:
            return
        await asyncio.sleep(0.5)


def measure(step: Step, collector: Collector) -> None:
    """Latency of every mark that every load client holding its class has reported."""
    latencies = [
        max(collector.heard[s]) - sent
        for s, sent in collector.sent.items()
        if len(collector.heard.get(s, ())) == collector.reporters[s]
    ]
    sends = collector.sent.values()
    step.marks = len(collector.sent)
    step.rate = step.marks / max(1e-9, max(sends) - min(sends)) if sends else math.nan
    step.p50, step.p99 = (1000 * percentile(latencies, q) for q in (50, 99))
    step.max = 1000 * max(latencies, default=math.nan)
    step.lost = len(collector.reporters) - len(latencies)
    step.dropped = sum(collector.closed)
    step.dones = sum(collector.dones)
    step.error_count = collector.error_count
    step.errors = collector.errors[:5]


async def start_sessions(
    http: httpx.AsyncClient, servers: list[Server], classes: list[Klass]
) -> None:
    """Each class's session, started by its teacher on the teacher's server."""
    gate = asyncio.Semaphore(STARTS_AT_ONCE)

    async def start(klass: Klass) -> None:
        server = servers[klass.home]
        headers = {"Authorization": server.token(klass.teacher, "teacher")}
        async with gate:
            response = await http.post(
                f"{server.url}/attendance/start", json={"classId": klass.id}, headers=headers
            )
        if response.status_code != 200:
            raise RuntimeError(f"start {klass.id}: {response.status_code} {response.text}")

    began = time.monotonic()
    await asyncio.gather(*map(start, classes))
    say(f"  {len(classes)} sessions started in {time.monotonic() - began:.1f} s")


async def bus_received(http: httpx.AsyncClient, server: Server) -> int:
    text = (await http.get(f"{server.url}/metrics")).text
    for line in text.splitlines():
        if line.startswith(BUS_METRIC):
            return int(float(line.rsplit(" ", 1)[1]))
    return 0
