"""The results table in docs/performance.md, the goals it is judged by, and py-spy summaries."""

from __future__ import annotations

import math
import platform
import re
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

OURS, REF, TWO = "Headcount", "reference", "Headcount, 2 workers"
MARKER = "<!-- results: newest first; `make bench` inserts a section below this line -->"
NAN = float("nan")


@dataclass
class Results:
    values: dict[str, dict[str, float]] = field(default_factory=dict)
    bound: float = NAN  # logins/s that Python's bcrypt allows on every core
    hash_ms: float = NAN
    ref_bound: float = NAN  # the same for the reference's bcrypt (node, native)
    ref_hash_ms: float = NAN
    load: list[float] = field(default_factory=list)  # 1-minute load average, start and end

    def put(self, key: str, name: str, value: float) -> None:
        self.values.setdefault(key, {})[name] = value

    def get(self, key: str, name: str) -> float:
        return self.values.get(key, {}).get(name, NAN)

    def count(self, keys: list[str], name: str) -> int:
        """The sum of counters, those not measured left out."""
        return int(sum(self.values.get(key, {}).get(name, 0) for key in keys))


def _num(value: float, digits: int = 0) -> str:
    return "-" if math.isnan(value) else f"{value:,.{digits}f}"


def _ratio(ours: float, ref: float) -> str:
    return "-" if math.isnan(ours) or math.isnan(ref) or ref == 0 else f"{ours / ref:.2f}x"


def _verdict(met: bool | None) -> str:
    return "-" if met is None else ("met" if met else "**missed**")


def _check(condition: bool, *values: float) -> bool | None:
    return None if any(math.isnan(v) for v in values) else condition


def table(r: Results, sizes: tuple[int, ...]) -> list[str]:
    lines = [
        f"| measure | {OURS} | {REF} | ratio | goal |",
        "|---|---:|---:|---:|---|",
    ]

    def row(label: str, key: str, digits: int, goal: str = "", name: str = OURS) -> None:
        ours, ref = r.get(key, name), r.get(key, REF)
        lines.append(
            f"| {label} | {_num(ours, digits)} | {_num(ref, digits)} "
            f"| {_ratio(ours, ref)} | {goal} |"
        )

    for key, label, times in (
        ("class", "GET /class/:id (30 students)", 2),
        ("me", "GET /auth/me", 3),
    ):
        rps, ref_rps = r.get(f"{key}.rps", OURS), r.get(f"{key}.rps", REF)
        p99, ref_p99 = r.get(f"{key}.p99", OURS), r.get(f"{key}.p99", REF)
        met = _check(rps >= times * ref_rps and p99 <= ref_p99, rps, ref_rps, p99, ref_p99)
        row(f"{label}, req/s", f"{key}.rps", 0, f"≥ {times}x with p99 no worse: {_verdict(met)}")
        row(f"{label}, p50 ms", f"{key}.p50", 2)
        row(f"{label}, p99 ms", f"{key}.p99", 2)
    for size in sizes:
        key = f"fanout{size}"
        p99, ref_p99 = r.get(f"{key}.p99", OURS), r.get(f"{key}.p99", REF)
        most = 0.8 if size <= 1000 else 1.0
        met = _check(p99 <= most * ref_p99, p99, ref_p99)
        msgs, ref_msgs = r.get(f"{key}.msgs", OURS), r.get(f"{key}.msgs", REF)
        more = _verdict(_check(msgs >= ref_msgs, msgs, ref_msgs))
        row(f"fan-out to {size:,} sockets, p50 ms", f"{key}.p50", 1)
        row(f"fan-out to {size:,} sockets, p99 ms", f"{key}.p99", 1, f"≤ {most}x: {_verdict(met)}")
        row(f"fan-out to {size:,} sockets, messages/s", f"{key}.msgs", 0, f"≥ 1x: {more}")
        row(f"fan-out to {size:,}, p50 ms, 2 workers + Redis", f"{key}.p50", 1, "report", TWO)
        row(f"fan-out to {size:,}, p99 ms, 2 workers + Redis", f"{key}.p99", 1, "report", TWO)
        row(f"fan-out to {size:,}, messages/s, 2 workers + Redis", f"{key}.msgs", 0, "", TWO)
    done, ref_done = r.get("done.p50", OURS), r.get("done.p50", REF)
    row(
        "DONE on 1,000 unmarked, median ms",
        "done.p50",
        1,
        f"≤ 0.8x: {_verdict(_check(done <= 0.8 * ref_done, done, ref_done))}",
    )
    row("DONE on 1,000 unmarked, slowest ms", "done.max", 1)
    logins, ref_logins = r.get("login.rps", OURS), r.get("login.rps", REF)
    share = logins / r.bound if r.bound else NAN
    row(
        "POST /auth/login, logins/s",
        "login.rps",
        1,
        f"≥ 95% of the bound ({_num(r.bound, 1)}/s): {_num(100 * share)}%, "
        f"{_verdict(_check(share >= 0.95, share))}",
    )
    row("POST /auth/login, p50 ms", "login.p50", 0)
    row("POST /auth/login, p99 ms", "login.p99", 0)
    lines.append(
        f"| logins/s as % of the server's own bcrypt bound | {_num(100 * share)}% "
        f"| {_num(100 * ref_logins / r.ref_bound)}% | | |"
    )
    idle = {n: r.get("rss.idle", n) / 1024 for n in (OURS, REF)}
    busy = {n: r.get("rss.busy", n) / 1024 for n in (OURS, REF)}
    lines.append(
        f"| RSS idle, MiB | {_num(idle[OURS], 1)} | {_num(idle[REF], 1)} "
        f"| {_ratio(idle[OURS], idle[REF])} | |"
    )
    lines.append(
        f"| RSS with {max(sizes):,} sockets, MiB | {_num(busy[OURS], 1)} "
        f"| {_num(busy[REF], 1)} | {_ratio(busy[OURS], busy[REF])} | |"
    )
    per = r.get("rss.per_socket", OURS)
    row("RSS per socket, KiB", "rss.per_socket", 1, f"≤ 8 KiB: {_verdict(_check(per <= 8, per))}")
    return lines


def _git(*args: str) -> str:
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    return done.stdout.strip()


def this_commit() -> str:
    """The short commit id, saying so when src/ has uncommitted changes."""
    commit = _git("rev-parse", "--short", "HEAD")
    if _git("status", "--porcelain", "--", "src"):
        commit += " (plus uncommitted changes in src/)"
    return commit


def _versions() -> str:
    def tool(*argv: str) -> str:
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False)
        except OSError:
            return "?"
        return (
            (done.stdout or done.stderr).strip().splitlines()[0]
            if done.stdout or done.stderr
            else "?"
        )

    return (
        f"Python {platform.python_version()}, Node {tool('node', '--version')}, "
        f"{tool('psql', '--version').replace('psql (PostgreSQL) ', 'PostgreSQL ')}, "
        f"{tool('wrk', '--version').split(' [')[0]}"
    )


def section(r: Results, sizes: tuple[int, ...], command: str, seconds: float) -> str:
    commit = this_commit()
    cores = len(Path("/proc/cpuinfo").read_text().split("processor\t:")) - 1
    fanout = [f"fanout{n}.{what}" for n in sizes for what in ("lost", "dropped")]
    lost = {name: r.count(fanout, name) for name in (OURS, REF, TWO)}
    http = ["class.errors", "me.errors", "login.errors"]
    errors = {name: r.count(http, name) for name in (OURS, REF)}
    head = [
        f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — commit {commit}",
        "",
        f"`{command}` · {cores} cores · {_versions()} · bcrypt cost 10: "
        f"{_num(r.hash_ms, 1)} ms a hash in Python, {_num(r.ref_hash_ms, 1)} ms in the "
        f"reference's node · took {seconds / 60:.1f} min · load average "
        f"{' → '.join(f'{x:.1f}' for x in r.load)} (other work on the machine slows both)",
        "",
        *table(r, sizes),
        "",
        f"HTTP errors (non-2xx or socket): {errors}. Fan-out marks lost or sockets dropped: "
        f"{lost}.",
        "",
    ]
    return "\n".join(head)


INTRO = f"""# Performance

`make bench` measures Headcount against the Node reference server (`../shared/peer-node`, Hono +
Drizzle + ws) in one run on this machine; its code is in `bench/`. Only ratios from one run mean
much: the machine has 2 cores shared by servers, database and load generators.

Method, in short:

- Both servers run on the same PostgreSQL, one process each (Headcount `--workers 1`); a third,
  Headcount `--workers 2` with Redis, joins the fan-out runs. Each database is seeded directly:
  one teacher and classes through the API, 5,000 students and the rosters by `COPY`, all with
  one bcrypt hash; student tokens are minted with each server's `JWT_SECRET`.
- Every measurement alternates between the servers (A B, then B A, ...), after a warm-up.
- HTTP: `wrk -t2 -c50 --latency` with `bench/wrk.lua`, 4 rounds of 5 s per server; req/s and
  latency are the means of the rounds. Logins post one teacher's real credentials, 2 rounds of
  20 s; the bcrypt bound is cores ÷ the time of one cost-10 check, measured before and after
  the login runs (the faster of the two, so the bound is not lowered by a busy moment), for
  each server with its own library: node's native `bcrypt` hashes faster than Python's.
- Fan-out: 4 `bench.wsload` processes (asyncio protocols; `websockets` for the handshake) hold
  the student sockets; the runner holds the teacher's and sends `ATTENDANCE_MARKED` to each
  server in turn, one mark at a time, 100 per server and size. Latency is from the send to the
  last student's receipt (CLOCK_MONOTONIC is one clock for all processes on Linux); p99 of 100
  marks is close to the worst one. Messages/s: 40 marks sent back to back, deliveries divided
  by the time until the last receipt. The same clients serve both servers, so a client
  bottleneck would cap the reference too.
- `DONE`: a class of 1,000 with nothing marked, from the send to the `DONE` broadcast back at
  the teacher, 10 rounds each.
- Memory: VmRSS of the listening process, fresh after seeding and then with 5,000 sockets open
  (2 s after the last connected, before any mark); per socket is the difference ÷ 5,001. The
  5,000-socket run therefore comes first.

Other work on this machine (test suites of parallel sessions) slows both servers and widens
the tails; each section records the load average at its start and end. `make bench
BENCH_ARGS='--profile DIR'` also samples Headcount with py-spy (`--gil`, collapsed stacks) in
an extra, uncounted run of each load and prints where the time went.

Goals (issue "[perf-district]", which raised those of "[performance]"): GET /class/:id ≥ 2x
and GET /auth/me ≥ 3x the reference's req/s with p99 no worse; fan-out p99 ≤ 0.8x the
reference's at 1,000 sockets and ≤ 1x at 5,000, messages/s ≥ 1x; `DONE` of 1,000 ≤ 0.8x;
logins ≥ 95% of the bcrypt bound; ≤ 8 KiB RSS per idle socket. Sections before this change were
judged by the earlier goals.

{MARKER}
"""


def write(path: Path, new_section: str, marker: str = MARKER, intro: str = "") -> None:
    """Insert `new_section` below `marker`, above the earlier results under it; a missing file
    starts with INTRO, a missing marker goes at the end with its own `intro` above it."""
    text = path.read_text() if path.exists() else INTRO
    if marker not in text:
        text = text.rstrip("\n") + "\n\n" + intro + marker + "\n"
    head, tail = text.split(marker, 1)
    sections = new_section.rstrip("\n") + "\n\n" + tail.lstrip("\n")
    path.write_text(head + marker + "\n\n" + sections)


FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")


def _where(frame: str) -> tuple[str, str]:
    """(function and module, package) of one py-spy frame `func (package/module.py:line)`."""
    found = FRAME.match(frame)
    if found is None:
        return frame, "?"
    module = found["file"].removesuffix(".py")
    return f"{found['func']} ({module})", module.split("/")[0]


def hot_spots(raw: Path, seconds: float, rate: int, top: int = 12) -> str:
    """Where the samples of one `py-spy record --gil --format raw` file went."""
    own: Counter[str] = Counter()
    ours: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    samples = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_where(f) for f in stack.split(";")]
        samples += count
        leaf, package = frames[-1]
        own[leaf] += count
        packages[package] += count
        for name in {name for name, pkg in frames if pkg == "headcount"}:
            ours[name] += count

    def lines(counter: Counter[str]) -> str:
        return "\n".join(
            f"  {100 * n / samples:5.1f}%  {name}" for name, n in counter.most_common(top)
        )

    return (
        f"== {raw.stem}: the GIL was held in {100 * samples / (seconds * rate):.0f}% of "
        f"{seconds:.0f} s ({samples} samples; shares below are of those)\n"
        f"-- own time by package\n{lines(packages)}\n"
        f"-- own time by function\n{lines(own)}\n"
        f"-- inside our functions (inclusive)\n{lines(ours)}\n"
    )
