"""SPEC §6: REST marking and the attendance cache (the NestJS seed's interface)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from headcount.cache import CacheKey
from headcount.domain import access, errors
from headcount.domain.inputs import CachedMarkInput, CacheKeyQuery, StudentDayQuery
from headcount.domain.records import today
from headcount.http.deps import CurrentUser, ServicesDep, Teacher, body_doc, json_body, query
from headcount.http.envelope import ok

router = APIRouter(prefix="/attendance", tags=["cache"])


@router.post("/mark", openapi_extra=body_doc(CachedMarkInput))
async def mark(
    services: ServicesDep,
    teacher: Teacher,
    body: Annotated[CachedMarkInput, Depends(json_body(CachedMarkInput))],
) -> Response:
    async with services.db.read() as conn:
        await access.require_owner(conn, teacher, body.classId)
    receipt = await services.sessions.mark(
        teacher, body.classId, body.studentId, body.status, body.ttl
    )
    return ok(receipt)


@router.get("/student")
async def student_day(
    services: ServicesDep,
    who: CurrentUser,
    params: Annotated[StudentDayQuery, Depends(query(StudentDayQuery))],
) -> Response:
    key = CacheKey(params.classId, params.studentId, params.date or today())
    return ok(await services.records.student_day(who, key))


@router.get("/data")
async def cached_value(
    services: ServicesDep,
    who: CurrentUser,
    params: Annotated[CacheKeyQuery, Depends(query(CacheKeyQuery))],
) -> Response:
    key = CacheKey.parse(params.key)
    if key is None:
        raise errors.invalid_schema()
    return ok(await services.records.value(who, key))


# Declared before the student route, which would otherwise read "class" as a class id.
@router.delete("/invalidate/class/{class_id}")
async def invalidate_class(services: ServicesDep, teacher: Teacher, class_id: str) -> Response:
    return ok({"invalidated": await services.records.invalidate(teacher, class_id, None)})


@router.delete("/invalidate/{class_id}/{student_id}")
async def invalidate_student(
    services: ServicesDep, teacher: Teacher, class_id: str, student_id: str
) -> Response:
    try:
        student = uuid.UUID(student_id)
    except ValueError:
        raise errors.student_not_found() from None
    return ok({"invalidated": await services.records.invalidate(teacher, class_id, student)})
