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
import contextlib
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

import asyncpg
import bcrypt
import httpx
import jwt
import orjson
from websockets.asyncio.client import ClientConnection, connect

from bench import report

ROOT = Path(__file__).resolve().parent.parent
PEER = Path(os.environ.get("HEADCOUNT_PEER", ROOT.parent / "shared" / "peer-node"))
PG = "postgresql://postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/0"
OUR_DB, PEER_DB = "headcount_bench", "headcount_bench_peer"
OUR_SECRET = "bench-only-secret-0123456789abcdef0123456789"
PASSWORD = "bench-password-1"
TEACHER_EMAIL = "bench-teacher@example.com"
MARK_TIMEOUT = 20.0
SPY_RATE = 200


@dataclass(frozen=True)
class Config:
    http_seconds: int = 5
    http_rounds: int = 4
    login_seconds: int = 20  # a login takes seconds at 50 connections: longer runs, less edge
    login_rounds: int = 2
    sizes: tuple[int, ...] = (1000, 5000)
    marks: int = 100  # per size and server, alternating mark by mark
    burst: int = 40  # marks sent back to back for messages/s (under the 50/s socket limit)
    done_size: int = 1000
    done_rounds: int = 10
    clients: int = 4
    profile: Path | None = None

    phases: tuple[str, ...] = ("http", "fanout", "done", "login")


QUICK = Config(
    http_seconds=3, http_rounds=2, login_seconds=6, sizes=(200, 1000), marks=20, done_rounds=4
)


# --- processes -------------------------------------------------------------------------------


class Processes:
    """Every process the bench starts, each the leader of its own group, ended by group id."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.servers: list[subprocess.Popen[bytes]] = []
        self.clients: list[asyncio.subprocess.Process] = []

    def _log(self, name: str) -> BinaryIO:
        return open(self.logs / f"{name}.log", "wb")

    def server(self, name: str, argv: list[str], env: dict[str, str], cwd: Path) -> int:
        with self._log(name) as log:
            proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=cwd,
                start_new_session=True,
            )
        self.servers.append(proc)
        return proc.pid

    async def client(self, name: str, argv: list[str]) -> asyncio.subprocess.Process:
        with self._log(name) as log:
            proc = await asyncio.create_subprocess_exec(
                *argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                cwd=ROOT,
                start_new_session=True,
                limit=1 << 20,
            )
        self.clients.append(proc)
        return proc

    def exited(self, proc: subprocess.Popen[bytes]) -> bool:
        return proc.poll() is not None

    async def stop(self, clients_only: bool = False) -> None:
        """SIGTERM every group, wait up to 10 s, then SIGKILL whatever is left of each group."""
        groups = [p.pid for p in self.clients] + (
            [] if clients_only else [p.pid for p in self.servers]
        )
        for pid in groups:
            _signal_group(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for client in self.clients:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(client.wait(), max(0.1, deadline - time.monotonic()))
        if not clients_only:
            for _ in range(50):  # up to 10 s
                if time.monotonic() > deadline or all(map(self.exited, self.servers)):
                    break
                await asyncio.sleep(0.2)
        for pid in groups:
            _signal_group(pid, signal.SIGKILL)
        for client in self.clients:
            with contextlib.suppress(ProcessLookupError):
                await client.wait()
        self.clients.clear()
        if not clients_only:
            for server in self.servers:
                server.wait(5)
            self.servers.clear()


def say(line: str) -> None:
    print(line, flush=True)


def show_logs(logs: Path) -> None:
    for log in sorted(logs.glob("*.log")):
        tail = log.read_text(errors="replace").splitlines()[-15:]
        if tail:
            print(f"--- {log.name} (last lines)\n" + "\n".join(tail), file=sys.stderr)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def listener_pids(port: int) -> list[int]:
    """The processes holding the listening socket of `port` (the server itself, not a wrapper)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(FileNotFoundError), open(table) as rows:
            for row in list(rows)[1:]:
                cols = row.split()
                if cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{cols[9]}]")
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            if any(
                os.readlink(f"/proc/{pid}/fd/{fd}") in inodes
                for fd in os.listdir(f"/proc/{pid}/fd")
            ):
                found.append(int(pid))
    return sorted(found)


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


# --- servers and their data ------------------------------------------------------------------


@dataclass
class Server:
    name: str
    kind: str  # "ours" (tables.py) or "peer" (schema.ts)
    port: int
    database: str
    secret: str
    pid: int = 0
    teacher_token: str = ""
    classes: dict[str, str] = field(default_factory=dict)
    students: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def server_pid(self) -> int:
        pids = listener_pids(self.port)
        if len(pids) != 1:
            raise RuntimeError(f"{self.name}: expected one listening process, found {pids}")
        return pids[0]

    def token(self, user_id: str, role: str = "student") -> str:
        now = int(time.time())
        claims = {"userId": user_id, "role": role, "iat": now, "exp": now + 86_400}
        return jwt.encode(claims, self.secret, algorithm="HS256")


async def recreate_database(name: str, create: bool) -> None:
    conn = await asyncpg.connect(f"{PG}/postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def start_ours(procs: Processes, server: Server, workdir: Path, workers: int = 1) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "HEADCOUNT_"))}
    env.update(
        DATABASE_URL=f"{PG}/{server.database}",
        JWT_SECRET=server.secret,
        BCRYPT_ROUNDS="10",
        LOG_LEVEL="warning",
        NODE_ENV="production",
    )
    argv = [str(ROOT / ".venv/bin/headcount"), "serve", "--host", "127.0.0.1"]
    argv += ["--port", str(server.port), "--workers", str(workers)]
    if workers > 1:
        env["REDIS_URL"] = REDIS_URL
    procs.server(server.name, argv, env, workdir)


def start_peer(procs: Processes, server: Server, workdir: Path) -> None:
    argv = [str(PEER / "run.sh"), str(server.port), f"{PG}/{server.database}"]
    procs.server(server.name, argv, dict(os.environ), workdir)


def peer_secret() -> str:
    found = re.search(r"JWT_SECRET=(\S+)", (PEER / "run.sh").read_text())
    if found is None:
        raise RuntimeError("no JWT_SECRET in the reference's run.sh")
    return found.group(1)


async def wait_up(http: httpx.AsyncClient, server: Server, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.TransportError):
            if (await http.get(f"{server.url}/auth/me")).status_code == 401:
                server.pid = server_pid_or_zero(server)
                return
        await asyncio.sleep(0.5)
    raise RuntimeError(f"{server.name} did not answer on port {server.port} in {seconds:.0f} s")


def server_pid_or_zero(server: Server) -> int:
    pids = listener_pids(server.port)
    return pids[0] if len(pids) == 1 else 0


async def api(http: httpx.AsyncClient, server: Server, path: str, body: Any = None) -> Any:
    headers = {"Authorization": server.teacher_token} if server.teacher_token else {}
    response = await http.post(f"{server.url}{path}", json=body, headers=headers)
    if response.status_code >= 300:
        raise RuntimeError(f"{server.name} {path}: {response.status_code} {response.text}")
    return response.json()["data"]


async def seed(http: httpx.AsyncClient, server: Server, students: int, cfg: Config) -> None:
    """A teacher and classes through the API; students and rosters straight into the tables."""
    teacher = {"name": "Bench Teacher", "email": TEACHER_EMAIL, "password": PASSWORD}
    await api(http, server, "/auth/signup", {**teacher, "role": "teacher"})
    login = {"email": TEACHER_EMAIL, "password": PASSWORD}
    server.teacher_token = (await api(http, server, "/auth/login", login))["token"]
    rosters = {"c30": 30, "done": cfg.done_size} | {f"c{n}": n for n in cfg.sizes}
    for name in rosters:
        server.classes[name] = (await api(http, server, "/class", {"className": name}))["id"]
    ids = [uuid.uuid4() for _ in range(students)]
    server.students = [str(i) for i in ids]
    hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(10)).decode()
    users = [
        (i, f"Student {n}", f"bench-student-{n}@example.com", hashed) for n, i in enumerate(ids)
    ]
    conn = await asyncpg.connect(f"{PG}/{server.database}")
    try:
        if server.kind == "ours":
            start = datetime.now(UTC)
            await conn.copy_records_to_table(
                "users",
                records=[
                    (*u, "student", start + timedelta(microseconds=n)) for n, u in enumerate(users)
                ],
                columns=["id", "name", "email", "password_hash", "role", "created_at"],
            )
            for name, size in rosters.items():
                rows = [
                    (uuid.UUID(server.classes[name]), ids[n], start + timedelta(milliseconds=n))
                    for n in range(size)
                ]
                await conn.copy_records_to_table(
                    "enrollments", records=rows, columns=["class_id", "student_id", "enrolled_at"]
                )
        else:
            await conn.copy_records_to_table(
                "users",
                records=[(*u, "student") for u in users],
                columns=["id", "name", "email", "password", "role"],
            )
            for name, size in rosters.items():
                await conn.execute(
                    "UPDATE classes SET student_ids = $1::text[] WHERE id = $2",
                    server.students[:size],
                    uuid.UUID(server.classes[name]),
                )
    finally:
        await conn.close()


# --- HTTP ------------------------------------------------------------------------------------


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
            _signal_group(proc.pid, signal.SIGKILL)
            await proc.wait()
    found = re.search(rb"^BENCH (\{.*\})$", out, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"wrk printed no result:\n{out.decode(errors='replace')}")
    result: dict[str, float] = orjson.loads(found.group(1))
    result["rps"] = result["requests"] / result["seconds"]
    return result


def alternate(servers: list[Server], round_no: int) -> list[Server]:
    return servers if round_no % 2 == 0 else servers[::-1]


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
    if cfg.profile:
        ours = servers[0]
        async with py_spy(cfg.profile / f"{key}.txt", ours.pid):
            await wrk(ours, path_of(ours), seconds, body)


def bcrypt_seconds() -> float:
    hashed = bcrypt.hashpw(b"x" * 16, bcrypt.gensalt(10))
    times = []
    for _ in range(7):
        start = time.perf_counter()
        bcrypt.checkpw(b"x" * 16, hashed)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# The same measurement with the reference's own library (node's `bcrypt`, native code), whose
# hash is faster than Python's: each server's logins are held against its own bound.
NODE_BCRYPT = """
const bcrypt = require('bcrypt');
const hashed = bcrypt.hashSync('x'.repeat(16), 10);
const times = [];
for (let i = 0; i < 7; i++) {
  const start = process.hrtime.bigint();
  bcrypt.compareSync('x'.repeat(16), hashed);
  times.push(Number(process.hrtime.bigint() - start) / 1e9);
}
times.sort((a, b) => a - b);
console.log(times[3]);
"""


def peer_workdir() -> Path:
    """Where run.sh installs the reference (its node_modules)."""
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return Path(os.environ.get("PEER_WORKDIR", cache / "headcount-peer-node"))


def peer_bcrypt_seconds() -> float:
    done = subprocess.run(
        ["node", "-e", NODE_BCRYPT], cwd=peer_workdir(), capture_output=True, text=True, timeout=60
    )
    if done.returncode != 0:
        raise RuntimeError(f"node could not time its bcrypt: {done.stderr}")
    return float(done.stdout.strip())


@contextlib.asynccontextmanager
async def py_spy(out: Path, pid: int) -> AsyncIterator[None]:
    """Sample `pid` while the block runs (collapsed stacks, for a flame graph or speedscope)."""
    argv = [str(ROOT / ".venv/bin/py-spy"), "record", "--pid", str(pid), "--format", "raw"]
    argv += ["--gil", "--rate", str(SPY_RATE), "-o", str(out)]
    proc = await asyncio.create_subprocess_exec(
        *argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    await asyncio.sleep(0.5)
    began = time.monotonic()
    try:
        yield
    finally:
        out.with_suffix(".seconds").write_text(f"{time.monotonic() - began:.3f}")
        proc.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(proc.wait(), 30)
        except TimeoutError:
            _signal_group(proc.pid, signal.SIGKILL)
            await proc.wait()


# --- WebSocket fan-out -----------------------------------------------------------------------


class Teacher:
    """The teacher's socket, held by the runner: sends events, timestamps what comes back."""

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


class Fleet:
    """`cfg.clients` wsload processes holding one server's student sockets."""

    def __init__(self, server: Server, procs: list[asyncio.subprocess.Process]) -> None:
        self.server = server
        self.procs = procs
        self.reports: dict[str, list[float]] = {}
        self.waiting: dict[str, asyncio.Future[float]] = {}
        self.closed = [0] * len(procs)
        self.readers: list[asyncio.Task[None]] = []

    @classmethod
    async def start(
        cls, processes: Processes, server: Server, size: int, cfg: Config, tmp: Path
    ) -> Fleet:
        procs = []
        share = -(-size // cfg.clients)
        for n in range(cfg.clients):
            tokens = tmp / f"tokens-{server.port}-{size}-{n}.txt"
            ids = server.students[n * share : (n + 1) * share]
            tokens.write_text("\n".join(server.token(i) for i in ids))
            argv = [sys.executable, "-m", "bench.wsload", server.ws_url, str(tokens), "900"]
            procs.append(await processes.client(f"wsload-{server.port}-{size}-{n}", argv))
        fleet = cls(server, procs)
        ready = [asyncio.create_task(fleet._ready(p)) for p in procs]
        await asyncio.wait_for(asyncio.gather(*ready), 180)
        fleet.readers = [asyncio.create_task(fleet._read(n, p)) for n, p in enumerate(procs)]
        return fleet

    @staticmethod
    async def _ready(proc: asyncio.subprocess.Process) -> None:
        assert proc.stdout is not None
        line = await proc.stdout.readline()
        if not line.startswith(b"READY"):
            raise RuntimeError(f"a load client failed to connect its sockets: {line!r}")

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
    fleets: dict[str, Fleet] = {}
    teachers: dict[str, Teacher] = {}
    try:
        for server in servers:
            began = time.monotonic()
            if cfg.profile and server is servers[0] and size == max(cfg.sizes):
                async with py_spy(cfg.profile / f"connect{size}.txt", server.pid):
                    fleets[server.name] = await Fleet.start(processes, server, size, cfg, tmp)
            else:
                fleets[server.name] = await Fleet.start(processes, server, size, cfg, tmp)
            teachers[server.name] = await Teacher.open(server)
            say(f"  {key}: {server.name}: {size} sockets in {time.monotonic() - began:.1f} s")
        await asyncio.sleep(2)
        if size == max(cfg.sizes):  # the sockets are open and have carried nothing yet
            for server in servers:
                if server.pid:
                    results.put("rss.busy", server.name, rss_kib(server.pid))
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
        for server in servers:
            rate = await burst(fleets[server.name], teachers[server.name], server, size, cfg)
            results.put(f"{key}.msgs", server.name, rate)
            done = latencies[server.name]
            results.put(f"{key}.p50", server.name, 1000 * percentile(done, 50))
            results.put(f"{key}.p99", server.name, 1000 * percentile(done, 99))
            results.put(f"{key}.lost", server.name, lost[server.name])
            results.put(f"{key}.dropped", server.name, sum(fleets[server.name].closed))
            p50, p99 = (
                results.get(f"{key}.p50", server.name),
                results.get(f"{key}.p99", server.name),
            )
            say(
                f"  {key}: {server.name:10} p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  {rate:9.0f} msg/s"
                f"  lost {lost[server.name]}  dropped {sum(fleets[server.name].closed)}"
                f"  teacher errors {teachers[server.name].errors[:3]}"
            )
        if cfg.profile and size == max(cfg.sizes):
            ours = servers[0]
            await asyncio.sleep(1.1)
            async with py_spy(cfg.profile / f"{key}.txt", ours.pid):
                for n in range(cfg.marks // 2):
                    await mark(
                        fleets[ours.name],
                        teachers[ours.name],
                        ours.classes[f"c{size}"],
                        ours.students[n],
                    )
                    await asyncio.sleep(0.03)
                await burst(fleets[ours.name], teachers[ours.name], ours, size, cfg)
    finally:
        for teacher in teachers.values():
            await teacher.close()
        for fleet in fleets.values():
            await fleet.close()
        await processes.stop(clients_only=True)


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


async def done_bench(
    http: httpx.AsyncClient, servers: list[Server], cfg: Config, results: report.Results
) -> None:
    """`DONE` on a class of `done_size` students with nothing marked, alternating servers."""
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


# --- the run ---------------------------------------------------------------------------------


async def run(cfg: Config, tmp: Path) -> report.Results:
    processes = Processes(tmp)
    results = report.Results()
    ours = Server("Headcount", "ours", free_port(), OUR_DB, OUR_SECRET)
    peer = Server("reference", "peer", free_port(), PEER_DB, peer_secret())
    two = Server("Headcount, 2 workers", "ours", free_port(), OUR_DB, OUR_SECRET)
    pair = [ours, peer]
    results.load.append(os.getloadavg()[0])
    async with httpx.AsyncClient(trust_env=False, timeout=60) as http:
        try:
            say("starting the servers and seeding their databases")
            await recreate_database(OUR_DB, create=True)
            await recreate_database(PEER_DB, create=False)  # run.sh creates it and its tables
            start_ours(processes, ours, tmp)
            start_peer(processes, peer, tmp)
            await wait_up(http, ours, 60)
            await wait_up(http, peer, 300)  # the first run also installs its node_modules
            for server in pair:
                await seed(http, server, max(cfg.sizes), cfg)
            two.teacher_token, two.classes, two.students = (
                ours.teacher_token,
                ours.classes,
                ours.students,
            )
            start_ours(processes, two, tmp, workers=2)
            await wait_up(http, two, 60)

            if "fanout" in cfg.phases:
                say("WebSocket fan-out")
                await asyncio.sleep(3)
                for server in pair:  # fresh servers: only the seeding has run
                    results.put("rss.idle", server.name, rss_kib(server.pid))
                for size in sorted(cfg.sizes, reverse=True):
                    await fanout(http, processes, [ours, peer, two], size, cfg, results, tmp)
                for server in pair:
                    busy, idle = (results.get(f"rss.{k}", server.name) for k in ("busy", "idle"))
                    results.put("rss.per_socket", server.name, (busy - idle) / (max(cfg.sizes) + 1))
            if "http" in cfg.phases:
                say("HTTP (wrk, 2 threads, 50 connections)")
                await http_bench(
                    pair, cfg, results, "class", lambda s: f"/class/{s.classes['c30']}"
                )
                await http_bench(pair, cfg, results, "me", lambda s: "/auth/me")
            if "done" in cfg.phases:
                say(f"DONE on {cfg.done_size} students")
                await done_bench(http, pair, cfg, results)
            if "login" in cfg.phases:
                say("logins")
                login = orjson.dumps({"email": TEACHER_EMAIL, "password": PASSWORD}).decode()
                hashing = [bcrypt_seconds()]
                peer_hashing = [peer_bcrypt_seconds()]
                await http_bench(
                    pair, cfg, results, "login", lambda s: "/auth/login", login,
                    cfg.login_seconds, cfg.login_rounds,
                )  # fmt: skip
                hashing.append(bcrypt_seconds())
                peer_hashing.append(peer_bcrypt_seconds())
                cores = os.cpu_count() or 1
                # The quieter of the two measurements, so a busy moment does not lower a bound.
                results.hash_ms, results.ref_hash_ms = 1000 * min(hashing), 1000 * min(peer_hashing)
                results.bound, results.ref_bound = cores / min(hashing), cores / min(peer_hashing)
                for who, times, bound in (
                    ("Python", hashing, results.bound),
                    ("the reference's node", peer_hashing, results.ref_bound),
                ):
                    each = " and ".join(f"{1000 * h:.1f}" for h in times)
                    say(
                        f"  bcrypt cost 10 in {who}: {each} ms a hash, bound {bound:.1f} "
                        f"logins/s on {cores} cores"
                    )
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
        for raw in sorted(cfg.profile.glob("*.txt")):
            seconds = float(raw.with_suffix(".seconds").read_text())
            print(report.hot_spots(raw, seconds, SPY_RATE))


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
