"""A district on this box (`make bench-district`): PostgreSQL, a Redis of its own (other work
on the machine publishes on the shared one's channels), two Headcount processes.

    python -m bench.district [--classes N] [--clients N] [--minute S] [--quick] [--no-write]

Seeds N classes of 30 (default 500: 15,500 sockets), opens every teacher's and student's
socket from `bench.district_load` processes, then lets every teacher mark their class within a
minute and send `DONE`, and again at twice the rate, four times, ... until p99 from a
teacher's send to the last receipt passes 250 ms, a mark is lost or refused. Writes a section of
docs/performance.md (not with --quick). Two `headcount serve` processes on two ports rather
than one with `--workers 2`: the bench must know which process holds each socket, to check
that bus traffic follows listeners, and scrape each process's /metrics (docs/decisions.md).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench import district_report
from bench.config import ROOT
from bench.district_report import District
from bench.district_shape import place, seed_district
from bench.district_steps import Collector, Step, run_step
from bench.memory import rss_kib
from bench.processes import Processes, say, show_logs
from bench.runner import OUR_SECRET, raise_fd_limit
from bench.seeding import recreate_database
from bench.servers import Server, start_ours, start_redis, wait_up
from bench.sockets import ready
from tests.support.server import free_port

DATABASE = "headcount_bench_district"


@dataclass(frozen=True)
class Shape:
    classes: int
    clients: int  # load-client processes
    minute: float  # the 1x window: every teacher marks their class within it
    steps: int  # at most: 1x, 2x, 4x, ...


QUICK = Shape(classes=20, clients=2, minute=8.0, steps=4)


async def run(shape: Shape, tmp: Path) -> District:
    processes = Processes(tmp)
    servers = [Server(f"server{n + 1}", "ours", free_port(), DATABASE, OUR_SECRET) for n in (0, 1)]
    async with httpx.AsyncClient(trust_env=False, timeout=60) as http:
        try:
            return await measure(http, processes, servers, shape, tmp)
        except BaseException:
            show_logs(tmp)
            raise
        finally:
            await processes.stop()
            await recreate_database(DATABASE, create=False)


async def measure(
    http: httpx.AsyncClient, processes: Processes, servers: list[Server], shape: Shape, tmp: Path
) -> District:
    say(f"starting two servers and seeding {shape.classes} classes")
    await recreate_database(DATABASE, create=True)
    redis = start_redis(processes, free_port(), tmp)
    for server in servers:  # one after the other: the first one migrates the database
        await wait_up(processes, server, start_ours(processes, server, tmp, redis=redis), 60)
    classes = await seed_district(http, servers[0], shape.classes)
    placement = place(classes, servers, shape.clients)
    district = District(shape.classes, placement.sockets, shape.clients, load=[os.getloadavg()[0]])
    district.listens = [len(classes) for classes in placement.listens]
    await asyncio.sleep(2)
    idle = [rss_kib(s.pid) for s in servers]
    began = time.monotonic()
    reporters = {s: placement.reporters[k.id] for k in classes for s in k.students}
    collector = Collector(await spawn(processes, placement.lines, tmp), reporters)
    say(f"  {sum(placement.sockets):,} sockets open in {time.monotonic() - began:.1f} s")
    await asyncio.sleep(2)
    busy = [rss_kib(s.pid) for s in servers]
    district.rss_idle = [kib / 1024 for kib in idle]
    district.rss_busy = [kib / 1024 for kib in busy]
    district.rss_per_socket = (sum(busy) - sum(idle)) / sum(placement.sockets)
    try:
        for n in range(shape.steps):
            step = Step(factor=2**n, seconds=shape.minute / 2**n)
            say(f"step {step.factor}x: every class marked within {step.seconds:g} s")
            await run_step(http, servers, classes, placement, collector, step)
            district.steps.append(step)
            say(
                f"  {step.rate:,.0f} marks/s  p50 {step.p50:.1f}  p99 {step.p99:.1f}  "
                f"max {step.max:.1f} ms  lost {step.lost}  dropped {step.dropped}  "
                f"DONE frames {step.dones}  CPU {step.cpu_ms:.2f} ms/mark  bus {step.bus}  "
                f"{step.error_count} errors {step.errors}"
            )
            if not step.kept_up(sum(placement.sockets)):
                break
    finally:
        await collector.close()
    district.load.append(os.getloadavg()[0])
    return district


async def spawn(
    processes: Processes, shares: list[list[str]], tmp: Path
) -> list[asyncio.subprocess.Process]:
    procs = []
    for n, lines in enumerate(shares):
        path = tmp / f"district-sockets-{n}.txt"
        path.write_text("\n".join(lines))
        argv = [sys.executable, "-m", "bench.district_load", str(path)]
        procs.append(await processes.client(f"district-load-{n}", argv))
    await asyncio.wait_for(asyncio.gather(*map(ready, procs)), 600)
    return procs


async def amain(shape: Shape, write: bool) -> None:
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    tmp = Path(tempfile.mkdtemp(prefix="headcount-district-"))
    began = time.monotonic()
    try:
        district = await run(shape, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    args = " ".join(sys.argv[1:])
    command = f"make bench-district BENCH_ARGS='{args}'" if args else "make bench-district"
    section = district_report.section(district, command, time.monotonic() - began)
    print(section)
    if write:
        district_report.write(ROOT / "docs/performance.md", section)
        print("written to docs/performance.md")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--classes", type=int, default=500, help="classes of 30 (default 500)")
    parser.add_argument("--clients", type=int, default=4, help="load-client processes")
    parser.add_argument("--steps", type=int, default=6, help="at most this many steps")
    parser.add_argument("--minute", type=float, default=60.0, help="the 1x window, seconds")
    parser.add_argument("--quick", action="store_true", help="20 classes, 8 s windows; no write")
    parser.add_argument("--no-write", action="store_true", help="do not touch docs/performance.md")
    args = parser.parse_args()
    shape = QUICK if args.quick else Shape(args.classes, args.clients, args.minute, args.steps)
    raise_fd_limit()
    try:
        asyncio.run(amain(shape, write=not (args.quick or args.no_write)))
    except KeyboardInterrupt:
        sys.exit(130)
    except asyncio.CancelledError:  # SIGTERM
        sys.exit(143)


if __name__ == "__main__":
    main()
