"""`headcount serve` as a child process on a free port, the way users run it.

The command, its environment and the wait for it to answer are also what `bench/` starts its
servers with, so a change to how Headcount is launched is made once.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support.backends import Backend

JWT_SECRET = "test-secret-0123456789-0123456789-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_command(port: int, *args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "headcount",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *args,
    ]


def serve_env(database_url: str, jwt_secret: str, **settings: str) -> dict[str, str]:
    """This process's environment with `settings` on top. Variables naming a Redis are left out
    (a server gets Redis only when asked), and so are the suite's own HEADCOUNT_* switches."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "HEADCOUNT_"))}
    env.update(DATABASE_URL=database_url, JWT_SECRET=jwt_secret, LOG_LEVEL="warning")
    env.update(settings)
    return env


def wait_answering(
    url: str, status: int, process: subprocess.Popen[bytes], log_path: Path, timeout: float
) -> None:
    """Return once `url` answers `status`; raise, with the server's log, if the process exits
    first or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    # A server on the loopback is never reached through a proxy, whatever the environment says.
    with httpx.Client(trust_env=False, timeout=1) as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{log_path.read_text()}")
            with contextlib.suppress(httpx.HTTPError):
                if http.get(url).status_code == status:
                    return
            time.sleep(0.1)
    raise RuntimeError(f"server not ready in {timeout}s:\n{log_path.read_text()}")


RATE_LIMIT_VARIABLES = ("RATE_LIMIT_SIGNUP", "RATE_LIMIT_LOGIN_ADDRESS", "RATE_LIMIT_LOGIN_EMAIL")


def server_env(database_url: str, unset: tuple[str, ...] = (), **extra: str) -> dict[str, str]:
    settings = {
        "NODE_ENV": "test",
        "BCRYPT_ROUNDS": "4",
        # The suite signs up far more accounts a minute than a school; the limits themselves
        # are tested with their defaults and with low values in tests/contract/test_rate_limits.py.
        "RATE_LIMIT_SIGNUP": "100000/minute",
        "RATE_LIMIT_LOGIN_ADDRESS": "100000/minute",
    }
    env = serve_env(database_url, JWT_SECRET, **settings | extra)
    for name in unset:
        env.pop(name, None)
    return env


@dataclass
class ServerProcess:
    backend: Backend
    port: int
    workdir: Path
    env: dict[str, str]
    args: list[str] = field(default_factory=list)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    @property
    def log_path(self) -> Path:
        return self.workdir / f"server-{self.port}.log"

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            serve_command(self.port, *self.args),
            cwd=self.workdir,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_answering(f"{self.base_url}/healthz", 200, self.process, self.log_path, 30.0)

    def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()

    def peak_rss(self) -> int:
        """The most resident memory the server process has had so far, in bytes: memory freed
        again right after a request still shows."""
        assert self.process is not None
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        kib = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
        return int(kib) * 1024

    def restart(self) -> None:
        self.stop()
        self.start()


@contextmanager
def start_server(
    backend: Backend,
    workdir: Path,
    env: Mapping[str, str] | None = None,
    args: list[str] | None = None,
    port: int | None = None,
    unset: tuple[str, ...] = (),
) -> Iterator[ServerProcess]:
    process = ServerProcess(
        backend=backend,
        port=port or free_port(),
        workdir=workdir,
        env=server_env(backend.database_url, unset, **dict(env or {})),
        args=list(args or []),
    )
    process.start()
    try:
        yield process
    finally:
        process.stop()
