"""Real servers on real ports, one per backend, shared by the whole session.

Every test that takes `server` (directly or through `api`) runs once per backend. PostgreSQL
and Redis are used when they answer, the browser and Node when they are installed; with
HEADCOUNT_REQUIRE="postgres,redis,browser,node" (what .ci/run sets) one that is missing fails
the run instead of being skipped.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.support.backends import Backend, BackendCheck, probe_backends
from tests.support.client import Api
from tests.support.redis_server import PrivateRedis
from tests.support.server import ServerProcess, start_server
from tests.support.tools import probe_tools

_CHECKS: dict[str, BackendCheck] = {}


def pytest_configure(config: pytest.Config) -> None:
    _CHECKS.update(probe_backends())
    _CHECKS.update(probe_tools())


def pytest_report_header(config: pytest.Config) -> list[str]:
    return [f"requirement {name}: {check.describe()}" for name, check in _CHECKS.items()]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.section("requirements (HEADCOUNT_REQUIRE)")
    for name, check in _CHECKS.items():
        terminalreporter.write_line(f"{name}: {check.describe()}")


def _required() -> set[str]:
    return {part.strip() for part in os.environ.get("HEADCOUNT_REQUIRE", "").split(",") if part}


def require(name: str, check: BackendCheck | None = None) -> BackendCheck:
    """Skip unless `check` (by default the probe of service `name`) passed; fail instead when
    HEADCOUNT_REQUIRE names `name`, so that a green CI run has really run the test."""
    check = check or _CHECKS[name]
    if not check.available:
        if name in _required():
            pytest.fail(f"{name} is required (HEADCOUNT_REQUIRE) but {check.reason}", pytrace=False)
        pytest.skip(f"{name} skipped: {check.reason}")
    return check


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    """A fresh, empty database of one kind, dropped after the session."""
    if request.param == "postgres":
        require("postgres")
    with Backend.create(request.param, tmp_path_factory.mktemp(request.param)) as created:
        yield created


@pytest.fixture(scope="session")
def server(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One `headcount serve` process on the backend, migrated at start-up."""
    with start_server(backend, workdir=tmp_path_factory.mktemp("server")) as process:
        yield process


@pytest.fixture
async def api(server: ServerProcess) -> AsyncIterator[Api]:
    async with Api(server) as client:
        yield client


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """An empty, unmigrated database of its own, for tests that change the schema or need
    a database nobody else writes to."""
    if request.param == "postgres":
        require("postgres")
    with Backend.create(request.param, tmp_path) as created:
        yield created


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A Redis of the test's own, which it may stop and start; needs the redis-server binary."""
    require("redis", PrivateRedis.check())
    server = PrivateRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()
