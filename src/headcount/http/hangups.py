"""Work that stops when its client hangs up.

A log-in waits its turn for one of the cores' bcrypt slots; under a burst it waits seconds.
A client that gives up meanwhile (a timeout, a closed tab, a load test ending) would still
cost its full hash, which every log-in queued behind it pays for: the server falls further
behind the more clients give up. Its hash is skipped instead, and the request is answered
with nginx's 499 (client closed request), which only the access log and metrics see.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from fastapi import Request, Response

CLIENT_CLOSED = 499


async def unless_hung_up(request: Request, work: Coroutine[Any, Any, Response]) -> Response:
    """`work`'s response, or 499 once the client hangs up first (`work` is cancelled: a hash
    already running in its thread finishes, a queued one never starts). Only for requests
    whose body has been read: what is left to receive then is the hang-up."""
    task = asyncio.ensure_future(work)
    hangup = asyncio.ensure_future(_hung_up(request))
    try:
        await asyncio.wait((task, hangup), return_when=asyncio.FIRST_COMPLETED)
    finally:
        hangup.cancel()
        if not task.done():
            task.cancel()
    await asyncio.wait((task,))  # what it holds (a bcrypt slot, a throttle count) is let go
    return Response(status_code=CLIENT_CLOSED) if task.cancelled() else task.result()


async def _hung_up(request: Request) -> None:
    while (await request.receive())["type"] != "http.disconnect":
        pass
