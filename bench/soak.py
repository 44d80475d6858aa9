"""Soak: 500 sockets and 50 marks a second for 5 minutes against one Headcount process.

Loopback only, bounded in time. Records, per 30-second window, the server's RSS, the marks
sent, the teacher's send-to-receipt latency (p50/p99) and errors; then checks that every
student socket received every mark. Writes docs/reliability.md.

    .venv/bin/python -m bench.soak [--seconds 300] [--sockets 500] [--rate 50]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import orjson
import websockets

from bench.config import ROOT
from bench.memory import rss_kib
from bench.processes import Processes, show_logs
from bench.servers import LIVE_MARKS
from bench.sockets import spawn_load
from tests.support.backends import Backend
from tests.support.server import ServerProcess, free_port, serve_env

STATUSES = ("present", "absent", "late", "excused")
WINDOW = 30.0
PROCESSES = 4  # load clients: one process cannot read 25,000 frames a second
TEACHERS = 2


@dataclass
class Window:
    started: float
    sent: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    rss_kib: int = 0


async def signup(http: httpx.AsyncClient, role: str) -> tuple[str, str]:
    email = f"{role}-{uuid.uuid4().hex[:10]}@soak.example.com"
    body = {"name": role, "email": email, "password": "soak-pass", "role": role}
    user = (await http.post("/auth/signup", json=body)).json()["data"]
    login = await http.post("/auth/login", json={"email": email, "password": "soak-pass"})
    return str(user["id"]), str(login.json()["data"]["token"])


async def soak(
    base: str, seconds: float, sockets: int, rate: int, pid: int, workdir: Path
) -> list[Window]:
    limits = httpx.Limits(max_connections=20)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:
        _, teacher_token = await signup(http, "teacher")
        auth = {"Authorization": teacher_token}
        created = await http.post("/class", json={"className": "Soak"}, headers=auth)
        class_id = created.json()["data"]["id"]
        students = await asyncio.gather(*(signup(http, "student") for _ in range(sockets)))
        for student_id, _ in students:
            await http.post(
                f"/class/{class_id}/add-student", json={"studentId": student_id}, headers=auth
            )
        await http.post("/attendance/start", json={"classId": class_id}, headers=auth)
    ws = base.replace("http", "ws", 1) + "/ws"
    windows = [Window(time.monotonic())]
    sent_at: dict[str, float] = {}
    heard: dict[str, int] = {}
    processes = Processes(workdir)
    try:
        tokens = [token for _, token in students]
        shares = [tokens[n::PROCESSES] for n in range(PROCESSES)]
        fleet = await spawn_load(processes, ws, shares, workdir, "soak")
        readers = [asyncio.create_task(_read(c, sent_at, heard, windows)) for c in fleet]
        # Marks go out on two teacher connections, each under the 50-a-second limit.
        # Client pings off: a saturated server answers late, and the latency column says so.
        teachers = [
            await websockets.connect(f"{ws}?token={teacher_token}", ping_interval=None)
            for _ in range(TEACHERS)
        ]
        errors = [asyncio.create_task(_count_errors(t, windows)) for t in teachers]
        total = 0
        end = time.monotonic() + seconds
        next_send = time.monotonic()
        while time.monotonic() < end:
            if time.monotonic() - windows[-1].started >= WINDOW:
                windows[-1].rss_kib = rss_kib(pid)
                windows.append(Window(time.monotonic()))
            student_id, _ = students[total % sockets]
            status = STATUSES[(total // sockets) % len(STATUSES)]
            body = {"studentId": student_id, "status": status, "classId": class_id}
            sent_at[student_id] = time.monotonic()
            await teachers[total % TEACHERS].send(
                orjson.dumps({"event": "ATTENDANCE_MARKED", "data": body})
            )
            windows[-1].sent += 1
            total += 1
            next_send += 1 / rate
            await asyncio.sleep(max(0.0, next_send - time.monotonic()))
        windows[-1].rss_kib = rss_kib(pid)
        await asyncio.sleep(3)
        for task in (*readers, *errors):
            task.cancel()
        for teacher in teachers:
            await teacher.close()
        for client in fleet:
            assert client.stdin is not None
            client.stdin.close()
            await client.wait()
    finally:
        await processes.stop(clients_only=True)
    # Every process holding sockets reports each mark once all of its sockets heard it.
    missing = total * PROCESSES - sum(heard.values())
    windows[-1].errors += missing
    print(f"marks sent {total}; mark reports missing {missing}", file=sys.stderr)
    return windows


async def _read(
    client: asyncio.subprocess.Process,
    sent_at: dict[str, float],
    heard: dict[str, int],
    windows: list[Window],
) -> None:
    assert client.stdout is not None
    while line := await client.stdout.readline():
        kind, *rest = line.decode().split()
        if kind == "CLOSED":
            windows[-1].errors += 1
        elif kind == "MARK":
            student, at = rest[0], float(rest[1])
            heard[student] = heard.get(student, 0) + 1
            if heard[student] % PROCESSES == 0 and student in sent_at:
                windows[-1].latencies.append((at - sent_at[student]) * 1000)


async def _count_errors(teacher: websockets.ClientConnection, windows: list[Window]) -> None:
    async for raw in teacher:
        if b'"ERROR"' in (raw if isinstance(raw, bytes) else raw.encode()):
            windows[-1].errors += 1


def report(windows: list[Window], args: argparse.Namespace, commit: str) -> str:
    rows = []
    for n, window in enumerate(windows):
        lat = sorted(window.latencies) or [0.0]
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
        rows.append(
            f"| {int(n * WINDOW)} to {int((n + 1) * WINDOW)} s | {window.rss_kib / 1024:.1f} | "
            f"{window.sent} | {statistics.median(lat):.1f} | {p99:.1f} | {window.errors} |"
        )
    today = datetime.date.today().isoformat()
    return "\n".join(
        [
            "# Reliability",
            "",
            "A soak of one Headcount process (PostgreSQL, uvloop) on this machine class:",
            f"{args.sockets} student sockets in one class and a teacher marking {args.rate} times",
            f"a second for {args.seconds:.0f} s; every mark is broadcast to every socket.",
            "Latency is from the teacher's send until the last socket has the mark (4 load",
            "client processes hold the sockets; marks go out on 2 teacher connections).",
            "Errors count `ERROR` replies, sockets the server closed and, in the last row,",
            "marks that some socket never received.",
            "",
            f"Run {today} at commit `{commit}` with `.venv/bin/python -m bench.soak"
            f" --seconds {args.seconds:.0f} --sockets {args.sockets} --rate {args.rate}`.",
            "",
            "| window | RSS MiB | marks | p50 ms | p99 ms | errors |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
        ]
    )


def serve_and_soak(backend: Backend, workdir: Path, args: argparse.Namespace) -> list[Window]:
    env = serve_env(
        backend.database_url,
        "soak-secret-" + "x" * 32,
        BCRYPT_ROUNDS="4",
        RATE_LIMIT_SIGNUP="100000/minute",
        LIVE_MARKS=LIVE_MARKS,  # the soak checks that every socket receives every mark
    )
    server = ServerProcess(backend, free_port(), workdir, env)
    server.start()
    try:
        assert server.process is not None
        pid = server.process.pid
        return asyncio.run(
            soak(server.base_url, args.seconds, args.sockets, args.rate, pid, workdir)
        )
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--sockets", type=int, default=500)
    parser.add_argument("--rate", type=int, default=50)
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        try:
            with Backend.create("postgres", workdir, args.database) as backend:
                windows = serve_and_soak(backend, workdir, args)
        except BaseException:
            show_logs(workdir)
            raise
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    text = report(windows, args, commit)
    print(text)
    if not args.no_write:
        (ROOT / "docs" / "reliability.md").write_text(text)


if __name__ == "__main__":
    main()
