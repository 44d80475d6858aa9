"""SPEC §9: liveness and readiness, no token needed."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response
from typing_extensions import TypedDict

from headcount.http.deps import ServicesDep
from headcount.http.envelope import fail, ok
from headcount.http.schemas import Success, failures

router = APIRouter(tags=["operations"])


class Health(TypedDict):
    status: str


@router.get("/healthz", response_model=Success[Health])
async def healthz() -> Response:
    return ok({"status": "ok"})


@router.get("/readyz", response_model=Success[Health], responses=failures())
async def readyz(services: ServicesDep) -> Response:
    if not await services.ready():
        return fail(503, "Service unavailable")
    return ok({"status": "ready"})
