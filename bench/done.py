"""`DONE` on a class of `cfg.done_size` students with nothing marked: every one of them becomes
absent in one transaction. Send to the teacher's receipt, alternating servers."""

from __future__ import annotations

import asyncio
import statistics

import httpx

from bench import report
from bench.config import Config
from bench.processes import say
from bench.servers import Server, alternate, api
from bench.sockets import Teacher


async def done_bench(
    http: httpx.AsyncClient, servers: list[Server], cfg: Config, results: report.Results
) -> None:
    teachers = {s.name: await Teacher.open(s) for s in servers}
    times: dict[str, list[float]] = {s.name: [] for s in servers}
    try:
        for round_no in range(cfg.done_rounds):
            for server in alternate(servers, round_no):
                class_id = server.classes["done"]
                await api(http, server, "/attendance/start", {"classId": class_id})
                await asyncio.sleep(0.2)
                teacher = teachers[server.name]
                finished = teacher.expect("DONE")
                sent = await teacher.send("DONE", {"classId": class_id})
                times[server.name].append(await asyncio.wait_for(finished, 30) - sent)
    finally:
        for teacher in teachers.values():
            await teacher.close()
    for name, took in times.items():
        results.put("done.p50", name, 1000 * statistics.median(took))
        results.put("done.max", name, 1000 * max(took))
        say(
            f"  done: {name:10} median {1000 * statistics.median(took):7.1f} ms"
            f"  max {1000 * max(took):7.1f} ms"
        )
