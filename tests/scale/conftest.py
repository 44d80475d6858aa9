"""Two server processes on one PostgreSQL database and one private Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import require
from tests.support.backends import Backend
from tests.support.client import Api
from tests.support.redis_server import PrivateRedis
from tests.support.server import ServerProcess, start_server


@dataclass
class Cluster:
    redis: PrivateRedis
    a: Api
    b: Api
    servers: tuple[ServerProcess, ServerProcess]


@pytest.fixture
async def cluster(tmp_path: Path, private_redis: PrivateRedis) -> AsyncIterator[Cluster]:
    require("postgres")
    with (
        Backend.create("postgres", tmp_path) as backend,
        start_server(backend, tmp_path, env={"REDIS_URL": private_redis.url}) as first,
        start_server(backend, tmp_path, env={"REDIS_URL": private_redis.url}) as second,
    ):
        async with Api(first) as a, Api(second) as b:
            yield Cluster(private_redis, a, b, (first, second))
