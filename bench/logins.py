"""Logins, held against the bound that bcrypt sets: one hash per login, so no server can log
in more people a second than its cores can hash passwords."""

from __future__ import annotations

import os
import statistics
import subprocess
import time

import bcrypt
import orjson

from bench import report
from bench.config import Config
from bench.processes import say
from bench.seeding import PASSWORD, TEACHER_EMAIL
from bench.servers import Server, peer_workdir
from bench.wrk import http_bench

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


async def login_bench(servers: list[Server], cfg: Config, results: report.Results) -> None:
    """wrk on /auth/login, with each bcrypt timed before and after it."""
    login = orjson.dumps({"email": TEACHER_EMAIL, "password": PASSWORD}).decode()
    hashing = [bcrypt_seconds()]
    peer_hashing = [peer_bcrypt_seconds()]
    await http_bench(
        servers, cfg, results, "login", lambda s: "/auth/login", login,
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


def bcrypt_seconds() -> float:
    hashed = bcrypt.hashpw(b"x" * 16, bcrypt.gensalt(10))
    times = []
    for _ in range(7):
        start = time.perf_counter()
        bcrypt.checkpw(b"x" * 16, hashed)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peer_bcrypt_seconds() -> float:
    done = subprocess.run(
        ["node", "-e", NODE_BCRYPT], cwd=peer_workdir(), capture_output=True, text=True, timeout=60
    )
    if done.returncode != 0:
        raise RuntimeError(f"node could not time its bcrypt: {done.stderr}")
    return float(done.stdout.strip())
