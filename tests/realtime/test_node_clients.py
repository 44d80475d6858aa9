"""/ws as Node clients of the seed's server use it: the JavaScript tests in tests/js, run with
Node's own test runner and the `ws` package against this session's server on each backend.

They await the teacher's copy of a broadcast before they listen on the student's socket, so
they lose the student's copy whenever it is written first (issue 13, item 1; SPEC §5 "Order").
"""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.conftest import require
from tests.support.server import ServerProcess
from tests.support.tools import NODE_TESTS

# Far more than the 800 repetitions take; past it the run is hung, and Node's output so far
# shows where.
RUN_SECONDS = 600


@pytest.mark.timeout(RUN_SECONDS + 30)
def test_sequential_await_clients_get_every_copy(server: ServerProcess) -> None:
    require("node")
    command = ["node", "--test", "--test-reporter=spec"]
    env = {**os.environ, "HEADCOUNT_URL": server.base_url}
    try:
        run = subprocess.run(
            command, cwd=NODE_TESTS, env=env, capture_output=True, text=True, timeout=RUN_SECONDS
        )
    except subprocess.TimeoutExpired as exc:
        output = _text(exc.stdout) + _text(exc.stderr)
        pytest.fail(f"node --test ran over {RUN_SECONDS} s:\n{output}", pytrace=False)
    output = run.stdout + run.stderr
    if run.returncode != 0:
        pytest.fail(f"node --test exited {run.returncode}:\n{output}", pytrace=False)
    print(output)  # the loss counts of a passing run, for -rA or -s


def _text(output: str | bytes | None) -> str:
    """What a timed-out run printed: subprocess gives it back as bytes, or not at all."""
    if isinstance(output, bytes):
        return output.decode(errors="replace")
    return output or ""
