"""Fixtures of the /ws contract tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.realtime.helpers import Sockets
from tests.support.client import Api


@pytest.fixture
async def sockets(api: Api) -> AsyncIterator[Sockets]:
    """WebSocket connections to the test's server, all closed when the test ends."""
    async with Sockets(api) as pool:
        yield pool
