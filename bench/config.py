"""What one bench run measures, and where it finds what it needs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = "postgresql://postgres@127.0.0.1:5432"


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
