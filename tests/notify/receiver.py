"""A real HTTP webhook receiver on a local port, verifying each delivery the way the
Standard Webhooks package tells receivers to."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook


@dataclass
class Receiver:
    url: str
    secret: str = ""
    answer: int = 204
    received: list[dict[str, Any]] = field(default_factory=list)
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    # When set, the first delivery is held (not acknowledged, not counted) until `release`.
    holding: bool = False
    arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def take(self, headers: dict[str, str], body: bytes) -> int:
        if self.holding and not self.arrived.is_set():
            self.arrived.set()
            self.release.wait(30)
            return 503
        with self.lock:
            if self.answer >= 300:
                self.refused += 1
                return self.answer
            payload = Webhook(self.secret).verify(body, headers)
            self.received.append({"id": headers["webhook-id"], **payload})
            return self.answer

    async def wait_for(self, count: int, within: float = 30.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            await asyncio.sleep(0.1)
        raise AssertionError(f"received {len(self.received)} of {count}: {self.received}")


@contextmanager
def receiver(port: int = 0) -> Iterator[Receiver]:
    holder: list[Receiver] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            status = holder[0].take({k.lower(): v for k, v in self.headers.items()}, body)
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    holder.append(Receiver(f"http://127.0.0.1:{server.server_address[1]}/hook"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder[0]
    finally:
        server.shutdown()
        server.server_close()
