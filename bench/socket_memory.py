"""What an idle /ws socket holds: Python allocations per socket, by the file that made them.

    .venv/bin/python -m bench.socket_memory [--sockets 1000] [--classes 0] [--accounts]

With `--classes N` the sockets are a teacher's who has N classes: what a socket holds must
not grow with N ([hardening-2] item 3). With `--accounts` each socket is a student of their
own, as in `make bench`: what the server keeps per connected user counts too. After the
sockets close, what is still held is printed too: it must be about nothing.

Serves Headcount in this process (SQLite in a temporary directory, the same uvicorn options as
`headcount serve`, but on asyncio's own loop: tracemalloc cannot see inside uvloop, so the
transport lines here are asyncio's), opens the sockets from a child process so its
allocations are not counted, and compares tracemalloc snapshots taken before and after.
`make bench` measures the whole process's RSS; this says where the Python part of it goes.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tempfile
import tracemalloc
import uuid
from pathlib import Path
from typing import Literal

import uvicorn

from headcount.cli import APP, server_options
from headcount.domain.inputs import SignupInput
from headcount.security import Principal
from headcount.services import Services
from headcount.settings import load_settings
from headcount.store import migrate
from tests.support.server import free_port, serve_env

WARM_UP = 20  # sockets opened before the first snapshot: first-use allocations are not theirs
CLIENT = """
import asyncio, sys, websockets
from websockets.protocol import State
async def main():
    urls, warm, rest = open(sys.argv[1]).read().split(), int(sys.argv[2]), int(sys.argv[3])
    held = [await websockets.connect(urls[n % len(urls)]) for n in range(warm)]
    print(len(held), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    held += [await websockets.connect(urls[n % len(urls)]) for n in range(warm, warm + rest)]
    await asyncio.sleep(0.5)
    print(sum(s.state is State.OPEN for s in held) - warm, flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    await asyncio.gather(*(s.close() for s in held[warm:]))
    print("closed", flush=True)
    await asyncio.sleep(3600)
asyncio.run(main())
"""


async def user_tokens(classes: int, accounts: int) -> list[str]:
    """A student's token, or with `classes`, a teacher's who has that many classes; or the
    tokens of `accounts` students."""
    role: Literal["teacher", "student"] = "teacher" if classes else "student"
    services = Services.build(load_settings())
    try:
        tokens = []
        for n in range(max(accounts, 1)):
            data = SignupInput(name="U", email=f"u{n}@example.com", password="secret1", role=role)
            user = uuid.UUID((await services.accounts.signup(data, None))["id"])
            tokens.append(services.tokens.issue(user, role))
        for n in range(classes):
            await services.classes.create(Principal(user, role), f"Class {n}")
        return tokens
    finally:
        await services.close()


async def measure(sockets: int, classes: int, accounts: bool, urls: Path) -> None:
    tokens = await user_tokens(classes, WARM_UP + sockets if accounts else 0)
    port = free_port()
    config = uvicorn.Config(APP, port=port, loop="none", **server_options(load_settings()))
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
        await asyncio.sleep(0.05)
    urls.write_text(  # noqa: ASYNC240 - before any socket: nothing waits on the loop yet
        "\n".join(f"ws://127.0.0.1:{port}/ws?token={token}" for token in tokens)
    )
    client = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CLIENT, str(urls), str(WARM_UP), str(sockets),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert client.stdin is not None and client.stdout is not None
    try:
        await client.stdout.readline()
        await asyncio.sleep(0.5)
        gc.collect()
        tracemalloc.start(1)
        before = tracemalloc.take_snapshot()
        client.stdin.write(b"go\n")
        await client.stdin.drain()
        opened = int(await client.stdout.readline())
        if opened != sockets:
            raise RuntimeError(f"only {opened} of {sockets} sockets stayed open")
        await asyncio.sleep(1)
        gc.collect()
        after = tracemalloc.take_snapshot()
        client.stdin.write(b"close\n")
        await client.stdin.drain()
        await client.stdout.readline()
        await asyncio.sleep(5)
        gc.collect()
        closed = tracemalloc.take_snapshot()
    finally:
        client.kill()
        await client.wait()
        server.should_exit = True
        await serving
    report(after.compare_to(before, "filename"), sockets, classes, accounts)
    kept = closed.compare_to(before, "filename")
    print(f"{sum(s.size_diff for s in kept) / 1024:.1f} KiB still held after all closed, from:")
    for stat in kept[:5]:
        print(f"  {stat.size_diff / 1024:7.1f} KiB  {stat.traceback[0].filename}")


def report(
    stats: list[tracemalloc.StatisticDiff], sockets: int, classes: int, accounts: bool
) -> None:
    total = sum(stat.size_diff for stat in stats)
    whose = f"a teacher's with {classes} classes" if classes else "a student's"
    whose += ", each of their own" if accounts else ""
    print(f"{total / sockets / 1024:.2f} KiB of Python allocations per idle /ws socket ({whose})")
    for stat in stats[:12]:
        where = stat.traceback[0].filename.split("site-packages/")[-1]
        each, blocks = stat.size_diff / sockets, stat.count_diff / sockets
        print(f"  {each:7.0f} B  {blocks:5.1f} blocks  {where}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--classes", type=int, default=0)
    parser.add_argument("--accounts", action="store_true", help="a student of its own per socket")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        # The app reads its settings from the environment, as `headcount serve` does, so this
        # process takes the environment the bench gives its servers.
        database_url = f"sqlite:///{Path(tmp) / 'memory.db'}"
        env = serve_env(database_url, "socket-memory-" + "x" * 32, NODE_ENV="production")
        env["MAX_CLASSES_PER_TEACHER"] = str(max(args.classes, 1))
        env["BCRYPT_ROUNDS"] = "4"  # sign-ups only: no password is checked
        env["MAX_SOCKETS_PER_USER"] = str(args.sockets + WARM_UP)
        os.environ.clear()
        os.environ.update(env)
        migrate.upgrade(os.environ["DATABASE_URL"])
        asyncio.run(measure(args.sockets, args.classes, args.accounts, Path(tmp) / "urls"))


if __name__ == "__main__":
    main()
