"""Headcount against the Node reference server, in one run, alternating (`make bench`).

    python -m bench.runner [--quick] [--no-write] [--profile DIR]

Starts Headcount (one process, PostgreSQL), the reference (`../shared/peer-node/run.sh`) and
Headcount with two workers and Redis, seeds each database directly (one bcrypt hash reused by
every student), then measures HTTP with wrk, WebSocket fan-out with `bench.wsload` client
processes, `DONE` on 1,000 students, memory per socket and logins against the bcrypt bound.
Each measurement alternates between the servers, so drift on this noisy machine hits both.
Results go to docs/performance.md (newest on top). Every process started here runs in its own
process group and is ended by that group's id, also on failure or Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import httpx

from bench import memory, report
from bench.config import QUICK, ROOT, Config
from bench.done import done_bench
from bench.fanout import fanout
from bench.logins import login_bench
from bench.processes import Processes, say, show_logs
from bench.profiling import hot_spots
from bench.seeding import recreate_database, seed
from bench.servers import Server, peer_secret, start_ours, start_peer, wait_up
from bench.wrk import http_bench
from tests.support.server import free_port

OUR_DB, PEER_DB = "headcount_bench", "headcount_bench_peer"
OUR_SECRET = "bench-only-secret-0123456789abcdef0123456789"


async def run(cfg: Config, tmp: Path) -> report.Results:
    processes = Processes(tmp)
    results = report.Results()
    ours = Server("Headcount", "ours", free_port(), OUR_DB, OUR_SECRET)
    peer = Server("reference", "peer", free_port(), PEER_DB, peer_secret())
    two = Server("Headcount, 2 workers", "ours", free_port(), OUR_DB, OUR_SECRET)
    results.load.append(os.getloadavg()[0])
    async with httpx.AsyncClient(trust_env=False, timeout=60) as http:
        try:
            await start(http, processes, ours, peer, two, cfg, tmp)
            await measure(http, processes, ours, peer, two, cfg, results, tmp)
        except BaseException:
            show_logs(tmp)
            for proc in processes.servers:
                if proc.poll() is not None:
                    say(f"server process {proc.args} exited with {proc.returncode}")
            raise
        finally:
            results.load.append(os.getloadavg()[0])
            await processes.stop()
            await recreate_database(OUR_DB, create=False)
            await recreate_database(PEER_DB, create=False)
    return results


async def start(
    http: httpx.AsyncClient,
    processes: Processes,
    ours: Server,
    peer: Server,
    two: Server,
    cfg: Config,
    tmp: Path,
) -> None:
    """The three servers, up and seeded; the two-worker Headcount shares the first one's data."""
    say("starting the servers and seeding their databases")
    await recreate_database(OUR_DB, create=True)
    await recreate_database(PEER_DB, create=False)  # run.sh creates it and its tables
    ours_proc = start_ours(processes, ours, tmp)
    peer_proc = start_peer(processes, peer, tmp)
    await wait_up(processes, ours, ours_proc, 60)
    await wait_up(processes, peer, peer_proc, 300)  # the first run also installs node_modules
    for server in (ours, peer):
        await seed(http, server, max(cfg.sizes), cfg)
    two.teacher_token, two.classes, two.students = ours.teacher_token, ours.classes, ours.students
    await wait_up(processes, two, start_ours(processes, two, tmp, workers=2), 60)


async def measure(
    http: httpx.AsyncClient,
    processes: Processes,
    ours: Server,
    peer: Server,
    two: Server,
    cfg: Config,
    results: report.Results,
    tmp: Path,
) -> None:
    pair = [ours, peer]
    if "fanout" in cfg.phases:
        say("WebSocket fan-out")
        await asyncio.sleep(3)
        memory.record_rss(results, "idle", pair)  # fresh servers: only the seeding has run
        for size in sorted(cfg.sizes, reverse=True):
            await fanout(http, processes, [ours, peer, two], size, cfg, results, tmp)
        memory.record_per_socket(results, pair, max(cfg.sizes) + 1)  # and the teacher's
    if "http" in cfg.phases:
        say("HTTP (wrk, 2 threads, 50 connections)")
        await http_bench(pair, cfg, results, "class", lambda s: f"/class/{s.classes['c30']}")
        await http_bench(pair, cfg, results, "me", lambda s: "/auth/me")
    if "done" in cfg.phases:
        say(f"DONE on {cfg.done_size} students")
        await done_bench(http, pair, cfg, results)
    if "login" in cfg.phases:
        say("logins")
        await login_bench(pair, cfg, results)


def raise_fd_limit() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 16_384:
        raise SystemExit(f"the hard limit on open files is {hard}; 5,000 sockets need ~16,384")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def amain(cfg: Config, write: bool) -> None:
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    tmp = Path(tempfile.mkdtemp(prefix="headcount-bench-"))
    began = time.monotonic()
    try:
        results = await run(cfg, tmp)
    finally:
        if cfg.profile is None:
            shutil.rmtree(tmp, ignore_errors=True)
    args = " ".join(sys.argv[1:])
    command = f"make bench BENCH_ARGS='{args}'" if args else "make bench"
    section = report.section(results, cfg.sizes, command, time.monotonic() - began)
    print(section)
    if write:
        report.write(ROOT / "docs/performance.md", section)
        print("written to docs/performance.md")
    if cfg.profile is not None:
        for summary in hot_spots(cfg.profile):
            print(summary)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short runs, 200 and 1,000 sockets")
    parser.add_argument("--no-write", action="store_true", help="do not touch docs/performance.md")
    parser.add_argument("--profile", type=Path, help="also py-spy Headcount; stacks go to DIR")
    parser.add_argument("--only", help="comma-separated phases: http,fanout,done,login")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: `make bench` installs it (apt-get install wrk)")
    cfg = QUICK if args.quick else Config()
    if args.only:
        cfg = replace(cfg, phases=tuple(args.only.split(",")))
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
        if shutil.which("py-spy", path=str(ROOT / ".venv/bin")) is None:
            raise SystemExit("--profile needs py-spy: .venv/bin/pip install py-spy")
        cfg = replace(cfg, profile=args.profile.resolve())
    raise_fd_limit()
    try:
        asyncio.run(amain(cfg, write=not (args.no_write or args.quick or args.only)))
    except KeyboardInterrupt:
        sys.exit(130)
    except asyncio.CancelledError:  # SIGTERM
        sys.exit(143)


if __name__ == "__main__":
    main()
