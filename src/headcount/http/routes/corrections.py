"""Corrections after the roll call (docs/records.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from headcount.domain.inputs import AmendInput
from headcount.domain.views import Amendment
from headcount.http.deps import Manager, ServicesDep, body_doc, json_body
from headcount.http.envelope import ok
from headcount.http.schemas import Success, failures

router = APIRouter(tags=["attendance"])


@router.patch(
    "/class/{class_id}/sessions/{session_id}/attendance/{student_id}",
    openapi_extra=body_doc(AmendInput),
    response_model=Success[Amendment],
    responses=failures(400, 401, 403, 404, 409),
)
async def amend(
    services: ServicesDep,
    manager: Manager,
    change: Annotated[AmendInput, Depends(json_body(AmendInput))],
    class_id: str,
    session_id: str,
    student_id: str,
) -> Response:
    """Correct a student's status in a finished roll call, with a reason."""
    return ok(await services.corrections.amend(manager, class_id, session_id, student_id, change))
