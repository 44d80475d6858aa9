"""SPEC §9: Prometheus text at /metrics; with METRICS_TOKEN set, a bearer token is required."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.responses import Response

from headcount.domain import errors
from headcount.http.deps import ServicesDep

router = APIRouter(tags=["operations"])


@router.get("/metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}})
async def metrics(request: Request, services: ServicesDep) -> Response:
    expected = services.settings.metrics_token
    if expected is not None:
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise errors.unauthorized()
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
