"""What a guardian reads of their children (docs/notify.md)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from headcount.domain.views import ChildStatus, ChildView, PastStatus
from headcount.http.deps import Guardian, ServicesDep
from headcount.http.envelope import ok
from headcount.http.schemas import Success, failures

router = APIRouter(prefix="/guardian", tags=["guardian"])


@router.get("/children", response_model=Success[list[ChildView]], responses=failures(401, 403))
async def children(services: ServicesDep, guardian: Guardian) -> Response:
    """The guardian's children, by name, with the classes each is enrolled in."""
    return ok(await services.guardians.children(guardian))


@router.get(
    "/children/{student_id}/attendance",
    response_model=Success[list[ChildStatus]],
    responses=failures(401, 403, 404),
)
async def attendance(services: ServicesDep, guardian: Guardian, student_id: str) -> Response:
    """A child's status in the latest finished roll call of each of their classes."""
    return ok(await services.guardians.attendance(guardian, student_id))


@router.get(
    "/children/{student_id}/classes/{class_id}/history",
    response_model=Success[list[PastStatus]],
    responses=failures(401, 403, 404),
)
async def history(
    services: ServicesDep, guardian: Guardian, student_id: str, class_id: str
) -> Response:
    """A child's status in each finished roll call of one class, newest first."""
    return ok(await services.guardians.history(guardian, student_id, class_id))
