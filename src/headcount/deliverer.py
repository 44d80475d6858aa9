"""Every process delivers the outbox (docs/notify.md §2): it claims due rows, posts each,
signed per Standard Webhooks, and records the outcome.

A claim pushes the row's `due_at` a lease ahead before anything is sent, in its own short
transaction (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite's single writer otherwise): no
other process takes the row while it is out, and a process that dies mid-delivery leaves
it due again when the lease ends, so it is resent, never dropped. Failures are retried
with exponential backoff and full jitter until the retry window ends; then the row fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from datetime import datetime, timedelta
from typing import Any

import httpx
import structlog
from sqlalchemy import select, update
from standardwebhooks import Webhook

from headcount import clock
from headcount.domain import destinations
from headcount.domain.errors import DomainError
from headcount.mailer import Mailer
from headcount.settings import Settings
from headcount.store.database import Database
from headcount.store.tables import OutboxMessage, WebhookEndpoint

log = structlog.get_logger("headcount.deliverer")
BATCH = 20
IDLE_SECONDS = 0.5
FIRST_RETRY_SECONDS = 5.0
LONGEST_RETRY_SECONDS = 3600.0


def backoff(attempts: int) -> float:
    """Seconds before the next attempt: exponential in the attempts so far, fully jittered
    so that many rows failing together do not retry together."""
    ceiling = min(LONGEST_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0))
    return random.uniform(ceiling / 2, ceiling)


def headers(message_id: str, secret: str, body: str, at: datetime) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, at, body),
    }


class Deliverer:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.lease = timedelta(seconds=settings.webhook_lease_seconds)
        self.window = timedelta(hours=settings.webhook_retry_hours)
        self.allow_private = settings.webhooks_allow_private
        self.http = httpx.AsyncClient(timeout=settings.webhook_timeout, trust_env=False)
        self.mailer = Mailer(settings.smtp_url, settings.mail_from, settings.webhook_timeout)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.http.aclose()

    async def _run(self) -> None:
        while True:
            try:
                claimed = await self.deliver_due()
            except Exception:  # the database is away: try again, the rows wait
                log.exception("outbox delivery failed")
                claimed = 0
            if claimed == 0:
                await asyncio.sleep(IDLE_SECONDS)

    async def _claim(self) -> list[Any]:
        now = clock.now()
        query = (
            select(
                OutboxMessage.id,
                OutboxMessage.recipient,
                OutboxMessage.payload,
                OutboxMessage.created_at,
                OutboxMessage.attempts,
                WebhookEndpoint.url,
                WebhookEndpoint.secret,
            )
            .outerjoin(WebhookEndpoint, WebhookEndpoint.id == OutboxMessage.endpoint_id)
            .where(OutboxMessage.state == "pending", OutboxMessage.due_at <= now)
            .order_by(OutboxMessage.id)
            .limit(BATCH)
            .with_for_update(skip_locked=True, of=OutboxMessage)
        )
        if self.mailer.url is None:
            # A process that cannot send e-mail leaves it to those that can.
            query = query.where(OutboxMessage.recipient.is_(None))
        async with self.db.write() as conn:
            rows = (await conn.execute(query)).all()
            if rows:
                await conn.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_([row.id for row in rows]))
                    .values(due_at=now + self.lease, attempts=OutboxMessage.attempts + 1)
                )
        return list(rows)

    async def deliver_due(self) -> int:
        """Claim and send one batch of due messages; how many were claimed."""
        rows = await self._claim()
        await asyncio.gather(*(self._deliver(row) for row in rows))
        return len(rows)

    async def _post(self, row: Any) -> tuple[int | None, str | None]:
        if row.recipient is not None:
            return await self.mailer.send(row.recipient, row.payload)
        try:
            await destinations.check(row.url, self.allow_private)
            body = row.payload
            sent = await self.http.post(
                row.url,
                content=body.encode(),
                headers=headers(f"msg_{row.id}", row.secret, body, clock.now()),
            )
        except DomainError as exc:
            return None, exc.message
        except httpx.HTTPError as exc:
            return None, (type(exc).__name__ + ": " + str(exc))[:500]
        if 200 <= sent.status_code < 300:
            return sent.status_code, None
        return sent.status_code, f"HTTP {sent.status_code}"

    async def _deliver(self, row: Any) -> None:
        status, error = await self._post(row)
        now = clock.now()
        values: dict[str, Any] = {"last_status": status, "last_error": error}
        if error is None:
            values.update(state="delivered", delivered_at=now)
        elif now - clock.as_utc(row.created_at) >= self.window:
            values.update(state="failed")
        else:
            values.update(due_at=now + timedelta(seconds=backoff(row.attempts + 1)))
        async with self.db.write() as conn:
            await conn.execute(
                update(OutboxMessage).where(OutboxMessage.id == row.id).values(**values)
            )
