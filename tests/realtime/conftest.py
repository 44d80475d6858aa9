"""Fixtures of the /ws contract tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from tests.realtime.helpers import Sockets
from tests.support.client import Account, Api
from tests.support.socketio_client import Client


@pytest.fixture
async def sockets(api: Api) -> AsyncIterator[Sockets]:
    """WebSocket connections to the test's server, all closed when the test ends."""
    async with Sockets(api) as pool:
        yield pool


@pytest.fixture
async def clients(api: Api) -> AsyncIterator[Callable[[Account], Awaitable[Client]]]:
    """Connects Socket.IO clients as an account; all disconnected when the test ends."""
    opened: list[Client] = []

    async def connect(account: Account) -> Client:
        client = Client()
        await client.connect(api.server.base_url, {"token": account.token})
        opened.append(client)
        return client

    yield connect
    for client in opened:
        await client.sio.disconnect()
