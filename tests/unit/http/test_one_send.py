"""http/one_send.py: a response's head leaves with its body, in one write."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from headcount.http.one_send import OneSend


class Recording(asyncio.Transport):
    """A transport that keeps what it was asked to do, one entry per call."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, tuple[bytes, ...]]] = []
        self.closing = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.calls.append(("write", (bytes(data),)))

    def writelines(self, list_of_data: Iterable[bytes | bytearray | memoryview]) -> None:
        self.calls.append(("writelines", tuple(bytes(data) for data in list_of_data)))

    def close(self) -> None:
        self.calls.append(("close", ()))
        self.closing = True

    def is_closing(self) -> bool:
        return self.closing


async def test_a_head_and_its_body_leave_in_one_call() -> None:
    transport = Recording()
    send = OneSend(transport, asyncio.get_running_loop())
    send.write(b"HTTP/1.1 200 OK\r\n\r\n")
    send.write(b"{}")
    send.write(b"more")
    await asyncio.sleep(0)
    assert transport.calls == [
        ("writelines", (b"HTTP/1.1 200 OK\r\n\r\n", b"{}")),
        ("write", (b"more",)),
    ]


async def test_a_head_whose_body_is_late_leaves_at_the_end_of_the_turn() -> None:
    transport = Recording()
    send = OneSend(transport, asyncio.get_running_loop())
    send.write(b"HTTP/1.1 200 OK\r\n\r\n")
    assert transport.calls == []
    await asyncio.sleep(0)
    assert transport.calls == [("write", (b"HTTP/1.1 200 OK\r\n\r\n",))]
    send.write(b"body")
    assert transport.calls[-1] == ("write", (b"body",))


async def test_closing_sends_a_held_head_first_and_only_once() -> None:
    transport = Recording()
    send = OneSend(transport, asyncio.get_running_loop())
    send.write(b"HTTP/1.1 500 Internal Server Error\r\n\r\n")
    send.close()
    await asyncio.sleep(0)
    assert transport.calls == [
        ("write", (b"HTTP/1.1 500 Internal Server Error\r\n\r\n",)),
        ("close", ()),
    ]
    assert send.is_closing()
