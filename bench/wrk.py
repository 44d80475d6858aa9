"""HTTP measurements: wrk (2 threads, 50 connections) with bench/wrk.lua, rounds alternating
between the servers, the mean of the rounds reported."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import statistics
import subprocess
from collections.abc import Callable

import orjson

from bench import report
from bench.config import ROOT, Config
from bench.processes import say, settle, signal_group
from bench.profiling import profiling
from bench.servers import Server, alternate


async def wrk(server: Server, path: str, seconds: int, body: str = "") -> dict[str, float]:
    env = dict(os.environ, BENCH_TOKEN="" if body else server.teacher_token, BENCH_BODY=body)
    argv = ["wrk", "-t2", "-c50", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    argv += ["-s", str(ROOT / "bench/wrk.lua"), f"{server.url}{path}"]
    proc = await asyncio.create_subprocess_exec(
        *argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), seconds + 30)
    finally:
        if proc.returncode is None:
            signal_group(proc.pid, signal.SIGKILL)
            await proc.wait()
    # wrk stops counting at its deadline, but the server still owes the requests then in
    # flight (50 logins are 1.7 s of bcrypt on two cores): the next run must not pay for them.
    await settle()
    found = re.search(rb"^BENCH (\{.*\})$", out, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"wrk printed no result:\n{out.decode(errors='replace')}")
    result: dict[str, float] = orjson.loads(found.group(1))
    result["rps"] = result["requests"] / result["seconds"]
    return result


async def http_bench(
    servers: list[Server],
    cfg: Config,
    results: report.Results,
    key: str,
    path_of: Callable[[Server], str],
    body: str = "",
    seconds: int = 0,
    rounds: int = 0,
) -> None:
    seconds, rounds = seconds or cfg.http_seconds, rounds or cfg.http_rounds
    for server in servers:
        await wrk(server, path_of(server), 3, body)  # warm-up, not counted
    runs: dict[str, list[dict[str, float]]] = {s.name: [] for s in servers}
    for round_no in range(rounds):
        for server in alternate(servers, round_no):
            run = await wrk(server, path_of(server), seconds, body)
            errors = run["non2xx"] + run["socket_errors"]
            say(
                f"  {key:8} {server.name:10} {run['rps']:8.1f} req/s  p50 {run['p50_ms']:7.2f} ms"
                f"  p99 {run['p99_ms']:7.2f} ms  errors {errors:.0f}"
            )
            runs[server.name].append(run)
    for name, done in runs.items():
        results.put(f"{key}.rps", name, statistics.mean(r["rps"] for r in done))
        results.put(f"{key}.p50", name, statistics.mean(r["p50_ms"] for r in done))
        results.put(f"{key}.p99", name, statistics.mean(r["p99_ms"] for r in done))
        results.put(f"{key}.errors", name, sum(r["non2xx"] + r["socket_errors"] for r in done))
    if cfg.profile:  # one more run, sampled, that the figures above do not include
        ours = servers[0]
        async with profiling(cfg, key, ours.pid):
            await wrk(ours, path_of(ours), seconds, body)
