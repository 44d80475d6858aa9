"""py-spy samples of Headcount during a measurement (`--profile DIR`), and their summaries."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import subprocess
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path

from bench import report
from bench.config import ROOT, Config
from bench.processes import signal_group

SPY_RATE = 200


def profiling(
    cfg: Config, name: str, pid: int, when: bool = True
) -> AbstractAsyncContextManager[None]:
    """Sample `pid` into DIR/`name`.txt while the block runs, if profiling was asked for and
    `when` holds; otherwise the block just runs."""
    if cfg.profile is None or not when:
        return contextlib.nullcontext()
    return py_spy(cfg.profile / f"{name}.txt", pid)


@contextlib.asynccontextmanager
async def py_spy(out: Path, pid: int) -> AsyncIterator[None]:
    """Collapsed stacks, for a flame graph or speedscope; the sampled seconds beside them."""
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
            signal_group(proc.pid, signal.SIGKILL)
            await proc.wait()


def hot_spots(directory: Path) -> list[str]:
    """A summary of each profile taken in `directory`."""
    return [
        report.hot_spots(raw, float(raw.with_suffix(".seconds").read_text()), SPY_RATE)
        for raw in sorted(directory.glob("*.txt"))
    ]
