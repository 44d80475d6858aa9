"""Webhook endpoints of a school, as its administrators register them, and their deliveries
(docs/notify.md §2). An endpoint of another school answers as if it did not exist."""

from __future__ import annotations

import base64
import secrets
import uuid
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from headcount import clock
from headcount.domain import destinations, errors
from headcount.domain.management_inputs import NewWebhookInput, WebhookChangesInput
from headcount.domain.schools import in_schools_of
from headcount.domain.views import DeliveryView, WebhookView
from headcount.security import Principal
from headcount.store.database import Database
from headcount.store.tables import DEFAULT_SCHOOL_ID, Org, OutboxMessage, User, WebhookEndpoint

DELIVERIES_SHOWN = 200


def _events(types: list[str]) -> str:
    """Stored between commas, so that `enqueue` finds an endpoint with one LIKE."""
    return "," + ",".join(dict.fromkeys(types)) + ","


def _view(row: Any) -> WebhookView:
    return WebhookView(
        id=str(row.id),
        schoolId=str(row.school_id),
        url=row.url,
        events=[e for e in row.events.split(",") if e],
        active=bool(row.active),
        createdAt=clock.iso(row.created_at),
    )


def delivery_view(row: Any) -> DeliveryView:
    pending = row.state == "pending"
    return DeliveryView(
        id=row.id,
        webhookId=str(row.endpoint_id),
        eventType=row.event_type,
        state=row.state,
        attempts=row.attempts,
        lastStatus=row.last_status,
        lastError=row.last_error,
        createdAt=clock.iso(row.created_at),
        nextAttemptAt=clock.iso(row.due_at) if pending else None,
        deliveredAt=None if row.delivered_at is None else clock.iso(row.delivered_at),
        payload=row.payload,
    )


def _id(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise errors.webhook_not_found() from None


class Webhooks:
    def __init__(self, db: Database, allow_private: bool) -> None:
        self.db = db
        self.allow_private = allow_private

    async def _endpoint(self, conn: AsyncConnection, admin: Principal, raw: str) -> Any:
        row = (
            await conn.execute(
                select(WebhookEndpoint).where(
                    WebhookEndpoint.id == _id(raw),
                    in_schools_of(WebhookEndpoint.school_id, admin.user_id),
                )
            )
        ).first()
        if row is None:
            raise errors.webhook_not_found()
        return row

    async def _school(
        self, conn: AsyncConnection, admin: Principal, wanted: uuid.UUID | None
    ) -> uuid.UUID:
        if wanted is None:
            own = await conn.scalar(select(User.school_id).where(User.id == admin.user_id))
            return own or DEFAULT_SCHOOL_ID
        found = await conn.scalar(
            select(Org.id).where(Org.id == wanted, in_schools_of(Org.id, admin.user_id))
        )
        if found is None:
            raise errors.school_not_found()
        return wanted

    async def register(self, admin: Principal, body: NewWebhookInput) -> WebhookView:
        await destinations.check(body.url, self.allow_private)
        secret = body.secret or "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
        async with self.db.write() as conn:
            values = {
                "id": uuid.uuid4(),
                "school_id": await self._school(conn, admin, body.schoolId),
                "url": body.url,
                "secret": secret,
                "events": _events(list(body.events)),
                "active": True,
                "created_at": clock.now(),
            }
            await conn.execute(insert(WebhookEndpoint).values(**values))
        return WebhookView(**_view(_Row(values)), secret=secret)

    async def of(self, admin: Principal) -> list[WebhookView]:
        query = (
            select(WebhookEndpoint)
            .where(in_schools_of(WebhookEndpoint.school_id, admin.user_id))
            .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
        )
        async with self.db.read() as conn:
            return [_view(row) for row in await conn.execute(query)]

    async def change(self, admin: Principal, raw: str, body: WebhookChangesInput) -> WebhookView:
        if body.url is not None:
            await destinations.check(body.url, self.allow_private)
        values: dict[str, Any] = {}
        if body.url is not None:
            values["url"] = body.url
        if body.events is not None:
            values["events"] = _events(list(body.events))
        if body.active is not None:
            values["active"] = body.active
        async with self.db.write() as conn:
            row = await self._endpoint(conn, admin, raw)
            if values:
                await conn.execute(
                    update(WebhookEndpoint).where(WebhookEndpoint.id == row.id).values(**values)
                )
            return _view(await self._endpoint(conn, admin, raw))

    async def remove(self, admin: Principal, raw: str) -> WebhookView:
        """Delete the endpoint and its undelivered messages."""
        async with self.db.write() as conn:
            row = await self._endpoint(conn, admin, raw)
            await conn.execute(delete(WebhookEndpoint).where(WebhookEndpoint.id == row.id))
        return _view(row)

    async def deliveries(self, admin: Principal, raw: str) -> list[DeliveryView]:
        """The endpoint's latest deliveries, newest first."""
        async with self.db.read() as conn:
            row = await self._endpoint(conn, admin, raw)
            rows = await conn.execute(
                select(OutboxMessage)
                .where(OutboxMessage.endpoint_id == row.id)
                .order_by(OutboxMessage.id.desc())
                .limit(DELIVERIES_SHOWN)
            )
            return [delivery_view(r) for r in rows]

    async def resend(self, admin: Principal, raw: str, raw_delivery: str) -> DeliveryView:
        """Send a delivery again, whatever became of it: due now, with a fresh retry window."""
        try:
            delivery_id = int(raw_delivery)
        except ValueError:
            raise errors.delivery_not_found() from None
        now = clock.now()
        async with self.db.write() as conn:
            row = await self._endpoint(conn, admin, raw)
            changed = await conn.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == delivery_id, OutboxMessage.endpoint_id == row.id)
                .values(state="pending", due_at=now, created_at=now, attempts=0)
            )
            if changed.rowcount != 1:
                raise errors.delivery_not_found()
            found = (
                await conn.execute(select(OutboxMessage).where(OutboxMessage.id == delivery_id))
            ).one()
        return delivery_view(found)


class _Row:
    """A freshly inserted endpoint's values, read as a row is."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)
