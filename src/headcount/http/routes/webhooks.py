"""Administrators register webhook endpoints and watch their deliveries (docs/notify.md §2)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from headcount.domain.management_inputs import NewWebhookInput, WebhookChangesInput
from headcount.domain.views import DeliveryView, WebhookView
from headcount.http.deps import Admin, ServicesDep, body_doc, json_body
from headcount.http.envelope import ok
from headcount.http.schemas import Success, failures

router = APIRouter(prefix="/admin/webhooks", tags=["webhooks"])


@router.post(
    "",
    status_code=201,
    openapi_extra=body_doc(NewWebhookInput),
    response_model=Success[WebhookView],
    responses=failures(400, 401, 403, 404),
)
async def register(
    services: ServicesDep,
    admin: Admin,
    body: Annotated[NewWebhookInput, Depends(json_body(NewWebhookInput))],
) -> Response:
    """A new endpoint; the answer carries its signing secret, shown this once."""
    return ok(await services.webhooks.register(admin, body), 201)


@router.get("", response_model=Success[list[WebhookView]], responses=failures(401, 403))
async def endpoints(services: ServicesDep, admin: Admin) -> Response:
    """The endpoints of the administrator's schools, oldest first."""
    return ok(await services.webhooks.of(admin))


@router.patch(
    "/{webhook_id}",
    openapi_extra=body_doc(WebhookChangesInput),
    response_model=Success[WebhookView],
    responses=failures(400, 401, 403, 404),
)
async def change(
    services: ServicesDep,
    admin: Admin,
    body: Annotated[WebhookChangesInput, Depends(json_body(WebhookChangesInput))],
    webhook_id: str,
) -> Response:
    """Change the URL or the events, or pause (`active: false`) and resume the endpoint."""
    return ok(await services.webhooks.change(admin, webhook_id, body))


@router.delete(
    "/{webhook_id}", response_model=Success[WebhookView], responses=failures(401, 403, 404)
)
async def remove(services: ServicesDep, admin: Admin, webhook_id: str) -> Response:
    """Delete the endpoint and every message not yet sent to it."""
    return ok(await services.webhooks.remove(admin, webhook_id))


@router.get(
    "/{webhook_id}/deliveries",
    response_model=Success[list[DeliveryView]],
    responses=failures(401, 403, 404),
)
async def deliveries(services: ServicesDep, admin: Admin, webhook_id: str) -> Response:
    """The endpoint's latest 200 deliveries and their outcomes, newest first."""
    return ok(await services.webhooks.deliveries(admin, webhook_id))


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/resend",
    response_model=Success[DeliveryView],
    responses=failures(401, 403, 404),
)
async def resend(
    services: ServicesDep, admin: Admin, webhook_id: str, delivery_id: str
) -> Response:
    """Send a delivery again (a failed one, typically), starting a new retry window."""
    return ok(await services.webhooks.resend(admin, webhook_id, delivery_id))
