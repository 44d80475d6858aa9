"""GET /class/:id alone, on one Headcount process over PostgreSQL: wrk (2 threads, 50
connections) on a class of 30, `--rounds` runs of `--seconds` after a warm-up. The database is
its own (`headcount_class_detail`), so it runs beside others' benches.

    .venv/bin/python -m bench.class_detail --seconds 10 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
from pathlib import Path

import httpx

from bench.config import Config
from bench.processes import Processes, say
from bench.seeding import recreate_database, seed
from bench.servers import Server, start_ours, wait_up
from bench.wrk import wrk
from tests.support.server import free_port

DB = "headcount_class_detail"
SECRET = "bench-only-secret-0123456789abcdef0123456789"


async def run(seconds: int, rounds: int, tmp: Path) -> None:
    processes = Processes(tmp)
    server = Server("Headcount", "ours", free_port(), DB, SECRET)
    await recreate_database(DB, create=True)
    try:
        await wait_up(processes, server, start_ours(processes, server, tmp), 60)
        async with httpx.AsyncClient(trust_env=False, timeout=60) as http:
            await seed(http, server, 30, Config(sizes=(), done_size=0))
        path = f"/class/{server.classes['c30']}"
        await wrk(server, path, 3)  # warm-up, not counted
        runs = [await wrk(server, path, seconds) for _ in range(rounds)]
        for n, result in enumerate(runs, 1):
            say(
                f"round {n}: {result['rps']:.0f} req/s, p50 {result['p50_ms']:.2f} ms, "
                f"p99 {result['p99_ms']:.2f} ms, non-2xx {result['non2xx']:.0f}"
            )
        say(
            f"median: {statistics.median(r['rps'] for r in runs):.0f} req/s, "
            f"p99 {statistics.median(r['p99_ms'] for r in runs):.2f} ms"
        )
    finally:
        await processes.stop()
        await recreate_database(DB, create=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(args.seconds, args.rounds, Path(tmp)))


if __name__ == "__main__":
    main()
