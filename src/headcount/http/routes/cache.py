"""SPEC §6: REST marking and the attendance cache (the NestJS seed's interface)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response
from typing_extensions import TypedDict

from headcount.cache import CacheKey
from headcount.domain import errors
from headcount.domain.inputs import CachedMarkInput, CacheKeyQuery, StudentDayQuery
from headcount.domain.records import today
from headcount.domain.views import CachedValue, MarkReceipt, StudentDay
from headcount.http.deps import (
    CurrentUser,
    Manager,
    ServicesDep,
    body_doc,
    json_body,
    query,
    query_doc,
)
from headcount.http.envelope import ok
from headcount.http.schemas import Success, failures

router = APIRouter(prefix="/attendance", tags=["cache"])


class Invalidated(TypedDict):
    invalidated: int


@router.post(
    "/mark",
    openapi_extra=body_doc(CachedMarkInput),
    response_model=Success[MarkReceipt],
    responses=failures(400, 401, 403, 404, 409),
)
async def mark(
    services: ServicesDep,
    teacher: Manager,
    body: Annotated[CachedMarkInput, Depends(json_body(CachedMarkInput))],
) -> Response:
    mark = body.as_mark(teacher, source="rest")
    return ok(await services.sessions.mark(teacher, body.classId, mark, body.ttl, strict=True))


@router.get(
    "/student",
    openapi_extra=query_doc(StudentDayQuery),
    response_model=Success[StudentDay],
    responses=failures(400, 401, 403, 404),
)
async def student_day(
    services: ServicesDep,
    who: CurrentUser,
    params: Annotated[StudentDayQuery, Depends(query(StudentDayQuery))],
) -> Response:
    key = CacheKey(params.classId, params.studentId, params.date or today())
    return ok(await services.records.student_day(who, key))


@router.get(
    "/data",
    openapi_extra=query_doc(CacheKeyQuery),
    response_model=Success[CachedValue],
    responses=failures(400, 401, 403, 404),
)
async def cached_value(
    services: ServicesDep,
    who: CurrentUser,
    params: Annotated[CacheKeyQuery, Depends(query(CacheKeyQuery))],
) -> Response:
    return ok(await services.records.value(who, params.key))


# Declared before the student route, which would otherwise read "class" as a class id.
@router.delete(
    "/invalidate/class/{class_id}",
    response_model=Success[Invalidated],
    responses=failures(401, 403, 404),
)
async def invalidate_class(services: ServicesDep, teacher: Manager, class_id: str) -> Response:
    return ok({"invalidated": await services.records.invalidate(teacher, class_id, None)})


@router.delete(
    "/invalidate/{class_id}/{student_id}",
    response_model=Success[Invalidated],
    responses=failures(401, 403, 404),
)
async def invalidate_student(
    services: ServicesDep, teacher: Manager, class_id: str, student_id: str
) -> Response:
    try:
        student = uuid.UUID(student_id)
    except ValueError:
        raise errors.student_not_found() from None
    return ok({"invalidated": await services.records.invalidate(teacher, class_id, student)})
