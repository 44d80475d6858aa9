"""One client must not stall the server or hold its file descriptors (issue 14, item 1).

Each test drives the attack against a real `headcount serve` started with small limits: a
1 s handshake timeout, 20 connections per address and 30 in all. Any 127.x.y.z address
reaches a server on 127.0.0.1, which gives the tests more than one client address.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator

import pytest
import websockets
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import InvalidStatus

from tests.support.backends import Backend
from tests.support.client import Api
from tests.support.raw_http import connect, exchange, head, parse, read_to_end, sending
from tests.support.server import ServerProcess, start_server

PER_ADDRESS = 20
TOTAL = 30
LIMITS = {
    "HANDSHAKE_TIMEOUT": "1",
    "MAX_CONNECTIONS_PER_ADDRESS": str(PER_ADDRESS),
    "MAX_CONNECTIONS": str(TOTAL),
    # The tests hold their sockets with one student's token.
    "MAX_SOCKETS_PER_USER": str(TOTAL + 10),
}
MiB = 1024 * 1024
TOO_MANY = {"success": False, "error": "Too many connections"}
UPGRADE = (
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version: 13",
)


@pytest.fixture(scope="module")
def guarded(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with start_server(backend, tmp_path_factory.mktemp("guarded"), env=LIMITS) as process:
        yield process


@pytest.fixture
async def token(guarded: ServerProcess) -> str:
    """A student's token, got over a connection that is closed again before the test."""
    async with Api(guarded) as api:
        student = await api.student()
    await asyncio.sleep(0.2)  # let the server see that connection close
    return student.token


@contextlib.asynccontextmanager
async def holding(
    server: ServerProcess, token: str, count: int, source: str = "127.0.0.1"
) -> AsyncIterator[list[ClientConnection]]:
    """`count` open /ws sockets from `source`: the connections a real class would hold."""
    url = f"{server.ws_url}?token={token}"
    held = [await websockets.connect(url, local_addr=(source, 0)) for _ in range(count)]
    try:
        yield held
    finally:
        for socket in held:
            await socket.close()


def filler(size: int) -> str:
    return "X-Filler: " + "a" * size


async def test_a_head_over_the_limit_is_refused_before_it_is_buffered(
    guarded: ServerProcess,
) -> None:
    assert (await exchange(guarded, head("/healthz"))).status == 200
    before = guarded.peak_rss()
    request = head("/healthz", filler(20 * MiB))
    async with sending(guarded, [request[i : i + MiB] for i in range(0, len(request), MiB)]) as r:
        reply = parse(await read_to_end(r))
    assert (reply.status, reply.json()) == (
        431,
        {"success": False, "error": "Request header fields too large"},
    )
    assert guarded.peak_rss() - before < 4 * MiB


async def test_a_head_just_over_the_default_16_kib_is_refused(guarded: ServerProcess) -> None:
    assert (await exchange(guarded, head("/healthz", filler(16 * 1024)))).status == 431


async def test_a_head_within_the_limit_is_served(guarded: ServerProcess) -> None:
    assert (await exchange(guarded, head("/healthz", filler(15 * 1024)))).status == 200


async def test_a_silent_connection_is_closed_after_the_handshake_timeout(
    guarded: ServerProcess,
) -> None:
    reader, writer = await connect(guarded)
    try:
        assert await read_to_end(reader) == b""
    finally:
        writer.close()


@pytest.mark.parametrize(
    "request_head",
    [head("/healthz"), head("/ws?token=x", *UPGRADE)],
    ids=["http", "websocket-handshake"],
)
async def test_a_dribbled_head_is_answered_408_and_closed(
    guarded: ServerProcess, request_head: bytes
) -> None:
    one_byte_at_a_time = [request_head[i : i + 1] for i in range(len(request_head))]
    async with sending(guarded, one_byte_at_a_time, pause=0.1) as reader:
        reply = parse(await read_to_end(reader))
    assert (reply.status, reply.json()) == (408, {"success": False, "error": "Request timeout"})


async def test_the_address_cap_refuses_with_503_and_health_still_answers(
    guarded: ServerProcess, token: str
) -> None:
    async with holding(guarded, token, PER_ADDRESS) as held:
        refused = await exchange(guarded, head("/classes"))
        assert (refused.status, refused.json()) == (503, TOO_MANY)
        assert refused.headers["connection"] == "close"
        with pytest.raises(InvalidStatus) as upgrade:
            await websockets.connect(f"{guarded.ws_url}?token={token}")
        assert upgrade.value.response.status_code == 503
        assert (await exchange(guarded, head("/healthz"))).status == 200
        assert (await exchange(guarded, head("/readyz"))).status == 200
        assert (await exchange(guarded, head("/classes"), source="127.0.0.2")).status == 401
        await held.pop().close()
        await asyncio.sleep(0.2)
        async with holding(guarded, token, 1):
            pass


async def test_the_total_cap_refuses_every_address(guarded: ServerProcess, token: str) -> None:
    async with (
        holding(guarded, token, PER_ADDRESS),
        holding(guarded, token, TOTAL - PER_ADDRESS, source="127.0.0.2"),
    ):
        refused = await exchange(guarded, head("/classes"), source="127.0.0.3")
        assert (refused.status, refused.json()) == (503, TOO_MANY)
        assert (await exchange(guarded, head("/healthz"), source="127.0.0.3")).status == 200


async def test_health_answers_at_the_cap_while_silent_connections_crowd_the_reserve(
    guarded: ServerProcess, token: str
) -> None:
    async with holding(guarded, token, PER_ADDRESS):
        crowd = [await connect(guarded) for _ in range(40)]
        try:
            assert (await exchange(guarded, head("/healthz"))).status == 200
        finally:
            for _, writer in crowd:
                writer.close()
