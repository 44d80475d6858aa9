"""The district section of docs/performance.md (`make bench-district`), newest first under its
own marker, below `make bench`'s results."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench import report
from bench.district_steps import GRACE, Step

MARKER = "<!-- district results: newest first; `make bench-district` inserts a section below -->"
INTRO = f"""## A district on one box (`make bench-district`)

PostgreSQL, a Redis of the bench's own (the shared one carries other work's bus messages) and
two `headcount serve` processes on two ports (one worker each, the bus on that Redis), all on
this machine with the load clients. Classes of 30 enrolled students and their
teachers are written into the tables by `COPY`; tokens are minted. Every student and teacher
holds their own `/ws` socket, in separate `bench.district_load` processes (asyncio protocols,
a few thousand sockets each). Half the classes are spread over both servers socket by socket, as
a round-robin balancer would; the other half sit wholly on one server, as a balancer with
affinity would place them. `LIVE_MARKS=class`: every socket of a class hears every mark.

Each step starts every class's session (`POST /attendance/start` on the teacher's server), then
every teacher marks each of their 30 students once, evenly over the step's window from a random
phase, and sends `DONE`. The window is a minute at 1x (`--minute`) and halves at each step
(2x, 4x, ...) until p99 passes 250 ms, a mark is lost, a teacher gets an error reply
(`errors`) or a socket has not heard its `DONE` within the grace. Latency: from the teacher's
send to the last receipt among the class's sockets (teacher included), CLOCK_MONOTONIC in
every process. A mark is lost
when some socket of its class has not heard it {GRACE:.0f} s after the step's last send. CPU
per mark: both servers' user + system time (/proc/PID/stat) over the step ÷ marks. Bus: the
messages each server received from the other (`headcount_bus_messages_received_total`,
`sender="other"`) against those expected if traffic follows listeners: a session start, 30 marks
and a `DONE` for each class that the server holds sockets of but whose teacher is on the other
server. A server holding nobody of a class receives none of its messages, so received =
expected says traffic follows listeners (one more message from a class it does not listen to
would show).

"""


@dataclass
class District:
    classes: int
    sockets: list[int]  # per server
    clients: int
    rss_per_socket: float = math.nan  # KiB, both servers
    rss_idle: list[float] = field(default_factory=list)  # MiB per server
    rss_busy: list[float] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    load: list[float] = field(default_factory=list)
    listens: list[int] = field(default_factory=list)  # classes each server holds sockets of


def _n(value: float, digits: int = 0) -> str:
    return "-" if math.isnan(value) else f"{value:,.{digits}f}"


def table(d: District) -> list[str]:
    servers = len(d.sockets)
    bus_heads = " | ".join(f"bus, server {n + 1}: received / expected" for n in range(servers))
    lines = [
        f"| step | marks/s (achieved) | p50 ms | p99 ms | max ms | lost | dropped | DONE frames "
        f"| errors | CPU ms per mark | {bus_heads} |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|" + "---:|" * servers,
    ]
    for s in d.steps:
        bus = " | ".join(f"{got:,} / {want:,}" for got, want in s.bus)
        lines.append(
            f"| {s.factor}x ({s.seconds:g} s) | {_n(s.marks / s.seconds)} ({_n(s.rate)}) "
            f"| {_n(s.p50, 1)} | {_n(s.p99, 1)} | {_n(s.max, 1)} | {s.lost:,} | {s.dropped:,} "
            f"| {s.dones:,} / {sum(d.sockets):,} | {s.error_count:,} | {_n(s.cpu_ms, 2)} "
            f"| {bus} |"
        )
    return lines


def knee(d: District) -> str:
    good = [s for s in d.steps if s.kept_up(sum(d.sockets))]
    if not good:
        return "no step kept p99 ≤ 250 ms with nothing lost, no error and every DONE heard"
    best = max(good, key=lambda s: s.marks / s.seconds)
    return (
        f"the fastest step with p99 ≤ 250 ms, nothing lost, no error and every DONE heard: "
        f"{best.factor}x, "
        f"{best.marks / best.seconds:,.0f} marks/s ({best.marks * 31 / best.seconds:,.0f} "
        f"frames/s out), p99 {best.p99:.1f} ms"
    )


def section(d: District, command: str, seconds: float) -> str:
    commit = report.this_commit()
    per_server = ", ".join(
        f"server {n + 1}: {count:,} sockets of {classes} classes, RSS {idle:.0f} → {busy:.0f} MiB"
        for n, (count, classes, idle, busy) in enumerate(
            zip(d.sockets, d.listens, d.rss_idle, d.rss_busy, strict=True)
        )
    )
    errors = sorted({e for s in d.steps for e in s.errors})
    lines = [
        f"### {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — commit {commit} — district of "
        f"{d.classes:,} classes",
        "",
        f"`{command}` · {os.cpu_count()} cores · {d.classes:,} classes of 30, "
        f"{sum(d.sockets):,} sockets over {d.clients} load-client processes · "
        f"took {seconds / 60:.1f} min · load average "
        f"{' → '.join(f'{x:.1f}' for x in d.load)}",
        "",
        f"{per_server}; RSS per socket {_n(d.rss_per_socket, 1)} KiB (both servers' growth ÷ "
        f"sockets, before any mark).",
        "",
        *table(d),
        "",
        f"Knee: {knee(d)}." + (f" Error frames seen: {errors}." if errors else ""),
        "",
    ]
    return "\n".join(lines)


def write(path: Path, new_section: str) -> None:
    report.write(path, new_section, MARKER, INTRO)
