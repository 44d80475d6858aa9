"""SPEC §9: liveness and readiness, no token needed."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from headcount.http.deps import ServicesDep
from headcount.http.envelope import fail, ok

router = APIRouter(tags=["operations"])


@router.get("/healthz")
async def healthz() -> Response:
    return ok({"status": "ok"})


@router.get("/readyz")
async def readyz(services: ServicesDep) -> Response:
    try:
        await services.db.ping()
        await services.cache.ping()
    except Exception:
        return fail(503, "Service unavailable")
    return ok({"status": "ready"})
