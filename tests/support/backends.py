"""Which real services answer on this machine, and fresh databases on them."""

from __future__ import annotations

import os
import socket
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

POSTGRES_ADMIN_URL = os.environ.get(
    "HEADCOUNT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("HEADCOUNT_TEST_REDIS", "redis://127.0.0.1:6379/0")


@dataclass(frozen=True)
class BackendCheck:
    available: bool
    reason: str

    def describe(self) -> str:
        return "ran" if self.available else f"SKIPPED ({self.reason})"


def _answers(url: str, default_port: int) -> str | None:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or default_port
    try:
        with socket.create_connection((host, port), timeout=2):
            return None
    except OSError as exc:
        return f"nothing answers at {host}:{port} ({exc.strerror or exc})"


def probe_backends() -> dict[str, BackendCheck]:
    checks = {"sqlite": BackendCheck(True, "embedded")}
    for name, url, port in (("postgres", POSTGRES_ADMIN_URL, 5432), ("redis", REDIS_URL, 6379)):
        problem = _answers(url, port)
        checks[name] = BackendCheck(problem is None, problem or "answers")
    return checks


def _psql(admin_url: str, sql: str) -> None:
    subprocess.run(
        ["psql", admin_url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql],
        check=True,
        capture_output=True,
    )


@dataclass(frozen=True)
class Backend:
    kind: str
    database_url: str

    @classmethod
    @contextmanager
    def create(
        cls, kind: str, directory: Path, admin_url: str = POSTGRES_ADMIN_URL
    ) -> Iterator[Backend]:
        """A fresh database, dropped afterwards; PostgreSQL ones are made through `admin_url`."""
        if kind == "sqlite":
            yield cls(kind, f"sqlite:///{directory / 'headcount.db'}")
            return
        name = f"headcount_test_{uuid.uuid4().hex[:12]}"
        _psql(admin_url, f'CREATE DATABASE "{name}"')
        base = admin_url.rsplit("/", 1)[0]
        try:
            yield cls(kind, f"{base}/{name}")
        finally:
            _psql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
