"""WebSocket fan-out: a class of N open student sockets on each server, marks sent by the
teacher one at a time (send to last receipt, taking turns between servers), then a burst of
marks back to back for deliveries per second."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx

from bench import memory, report
from bench.config import Config
from bench.processes import Processes, say
from bench.profiling import profiling
from bench.servers import Server, api
from bench.sockets import Fleet, Teacher

MARK_TIMEOUT = 20.0


async def fanout(
    http: httpx.AsyncClient,
    processes: Processes,
    servers: list[Server],
    size: int,
    cfg: Config,
    results: report.Results,
    tmp: Path,
) -> None:
    key = f"fanout{size}"
    largest = size == max(cfg.sizes)
    fleets: dict[str, Fleet] = {}
    teachers: dict[str, Teacher] = {}
    try:
        for server in servers:
            began = time.monotonic()
            sampled = server is servers[0] and largest
            async with profiling(cfg, f"connect{size}", server.pid, when=sampled):
                fleets[server.name] = await Fleet.start(processes, server, size, cfg, tmp)
            teachers[server.name] = await Teacher.open(server)
            say(f"  {key}: {server.name}: {size} sockets in {time.monotonic() - began:.1f} s")
        await asyncio.sleep(2)
        if largest:  # the sockets are open and have carried nothing yet
            memory.record_rss(results, "busy", servers)
        latencies, lost = await one_by_one(http, servers, fleets, teachers, size, cfg)
        for server in servers:
            name, fleet, teacher = server.name, fleets[server.name], teachers[server.name]
            rate = await burst(fleet, teacher, server, size, cfg)
            p50, p99 = (1000 * percentile(latencies[name], q) for q in (50, 99))
            results.put(f"{key}.msgs", name, rate)
            results.put(f"{key}.p50", name, p50)
            results.put(f"{key}.p99", name, p99)
            results.put(f"{key}.lost", name, lost[name])
            results.put(f"{key}.dropped", name, sum(fleet.closed))
            say(
                f"  {key}: {name:10} p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  {rate:9.0f} msg/s"
                f"  lost {lost[name]}  dropped {sum(fleet.closed)}"
                f"  teacher errors {teacher.errors[:3]}"
            )
        if cfg.profile and largest:
            ours = servers[0]
            await profiled(fleets[ours.name], teachers[ours.name], ours, size, cfg)
    finally:
        for teacher in teachers.values():
            await teacher.close()
        for fleet in fleets.values():
            await fleet.close()
        await processes.stop(clients_only=True)


async def one_by_one(
    http: httpx.AsyncClient,
    servers: list[Server],
    fleets: dict[str, Fleet],
    teachers: dict[str, Teacher],
    size: int,
    cfg: Config,
) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Each mark's latency on each server, and how many marks some socket never received."""
    latencies: dict[str, list[float]] = {s.name: [] for s in servers}
    lost = dict.fromkeys(latencies, 0)
    for server in servers:
        await api(http, server, "/attendance/start", {"classId": server.classes[f"c{size}"]})
    for n in range(cfg.marks):  # one mark to each server in turn, the order rotating
        for server in servers[n % len(servers) :] + servers[: n % len(servers)]:
            if lost[server.name] >= 3:
                continue  # a server that loses marks is not measured further
            class_id = server.classes[f"c{size}"]
            student = server.students[n]
            took = await mark(fleets[server.name], teachers[server.name], class_id, student)
            if took is None:
                lost[server.name] += 1
            else:
                latencies[server.name].append(took)
            await asyncio.sleep(0.03)  # under the 50 messages/s socket limit, and a breath
    return latencies, lost


async def profiled(fleet: Fleet, teacher: Teacher, ours: Server, size: int, cfg: Config) -> None:
    """Half the marks and a burst again on Headcount alone, sampled by py-spy."""
    await asyncio.sleep(1.1)
    async with profiling(cfg, f"fanout{size}", ours.pid):
        for n in range(cfg.marks // 2):
            await mark(fleet, teacher, ours.classes[f"c{size}"], ours.students[n])
            await asyncio.sleep(0.03)
        await burst(fleet, teacher, ours, size, cfg)


async def mark(fleet: Fleet, teacher: Teacher, class_id: str, student: str) -> float | None:
    """Seconds from the teacher's send to the last student's receipt, None if some never came."""
    heard = fleet.expect(student)
    sent = await teacher.send(
        "ATTENDANCE_MARKED", {"studentId": student, "status": "present", "classId": class_id}
    )
    try:
        return await asyncio.wait_for(heard, MARK_TIMEOUT) - sent
    except TimeoutError:
        return None


async def burst(fleet: Fleet, teacher: Teacher, server: Server, size: int, cfg: Config) -> float:
    """Deliveries per second while `cfg.burst` marks are sent back to back."""
    await asyncio.sleep(1.1)  # an empty rate-limit window
    class_id = server.classes[f"c{size}"]
    students = server.students[cfg.marks : cfg.marks + cfg.burst]
    heard = [fleet.expect(s) for s in students]
    began = time.monotonic()
    for student in students:
        await teacher.send(
            "ATTENDANCE_MARKED", {"studentId": student, "status": "late", "classId": class_id}
        )
    try:
        last = max(await asyncio.wait_for(asyncio.gather(*heard), 60))
    except TimeoutError:
        return float("nan")
    return len(students) * size / (last - began)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = q / 100 * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
