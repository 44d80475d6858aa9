"""The servers under test: Headcount started as the tests start it, the Node reference through
its run.sh, and what the bench needs to know about each."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jwt

from bench.config import PG, ROOT
from bench.processes import Processes
from tests.support.server import serve_command, serve_env, wait_answering

PEER = Path(os.environ.get("HEADCOUNT_PEER", ROOT.parent / "shared" / "peer-node"))
REDIS_URL = "redis://127.0.0.1:6379/0"
# Every mark to every socket of the class, as the reference sends them, for the fan-out figures
# to compare like with like; by default a student hears only marks about themselves (SPEC §7).
LIVE_MARKS = "class"


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

    def token(self, user_id: str, role: str = "student") -> str:
        now = int(time.time())
        claims = {"userId": user_id, "role": role, "iat": now, "exp": now + 86_400}
        return jwt.encode(claims, self.secret, algorithm="HS256")


def start_ours(
    procs: Processes, server: Server, workdir: Path, workers: int = 1, redis: str = ""
) -> subprocess.Popen[bytes]:
    """Headcount on `server.port`; with Redis when it has several workers (the one at
    REDIS_URL) or is given one (`redis`, for one of several single-process servers)."""
    # Every load client runs on this machine: all the sockets come from 127.0.0.1, which the
    # per-address connection cap would otherwise refuse past its 5,000. The bench's teacher
    # signs up, as the reference's does; production closes that to teachers by default. The
    # log-in run sends one account's password 50 at a time from one address: the limits count
    # an attempt while it is checked, so they would answer 429 to most of what measures bcrypt.
    settings = dict(
        BCRYPT_ROUNDS="10",
        NODE_ENV="production",
        SIGNUP="open",
        RATE_LIMIT_LOGIN_EMAIL="1000000/minute",
        RATE_LIMIT_LOGIN_ADDRESS="1000000/minute",
        LIVE_MARKS=LIVE_MARKS,
        MAX_CONNECTIONS_PER_ADDRESS="0",
    )
    if workers > 1 or redis:
        settings["REDIS_URL"] = redis or REDIS_URL
    env = serve_env(f"{PG}/{server.database}", server.secret, **settings)
    argv = serve_command(server.port, "--workers", str(workers))
    return procs.server(server.name, argv, env, workdir)


def start_redis(procs: Processes, port: int, workdir: Path) -> str:
    """A Redis of the bench's own, in memory only: nobody else's bus traffic reaches it."""
    argv = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    procs.server("redis", [*argv, "--appendonly", "no"], dict(os.environ), workdir)
    return f"redis://127.0.0.1:{port}/0"


def start_peer(procs: Processes, server: Server, workdir: Path) -> subprocess.Popen[bytes]:
    argv = [str(PEER / "run.sh"), str(server.port), f"{PG}/{server.database}"]
    return procs.server(server.name, argv, dict(os.environ), workdir)


def peer_secret() -> str:
    found = re.search(r"JWT_SECRET=(\S+)", (PEER / "run.sh").read_text())
    if found is None:
        raise RuntimeError("no JWT_SECRET in the reference's run.sh")
    return found.group(1)


def peer_workdir() -> Path:
    """Where run.sh installs the reference (its node_modules)."""
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return Path(os.environ.get("PEER_WORKDIR", cache / "headcount-peer-node"))


async def wait_up(
    processes: Processes, server: Server, proc: subprocess.Popen[bytes], seconds: float
) -> None:
    """Until `server` answers, then note the pid holding its port (0 when several do)."""
    # The reference has no /healthz; an unauthenticated /auth/me answers 401 once either routes.
    url, log = f"{server.url}/auth/me", processes.log_path(server.name)
    await asyncio.to_thread(wait_answering, url, 401, proc, log, seconds)
    pids = listener_pids(server.port)
    server.pid = pids[0] if len(pids) == 1 else 0


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


def alternate(servers: list[Server], round_no: int) -> list[Server]:
    return servers if round_no % 2 == 0 else servers[::-1]


async def api(http: httpx.AsyncClient, server: Server, path: str, body: Any = None) -> Any:
    headers = {"Authorization": server.teacher_token} if server.teacher_token else {}
    response = await http.post(f"{server.url}{path}", json=body, headers=headers)
    if response.status_code >= 300:
        raise RuntimeError(f"{server.name} {path}: {response.status_code} {response.text}")
    return response.json()["data"]
