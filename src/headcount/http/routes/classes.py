"""SPEC §3: classes, rosters and the student directory."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from headcount.domain.inputs import AddStudentInput, ClassInput, StudentsQuery
from headcount.domain.views import ClassDetail, ClassListing, ClassView, StudentView
from headcount.http.deps import (
    CurrentUser,
    ServicesDep,
    Teacher,
    body_doc,
    json_body,
    query,
    query_doc,
)
from headcount.http.envelope import ok
from headcount.http.schemas import Success, failures

router = APIRouter(tags=["classes"])


@router.post(
    "/class",
    status_code=201,
    openapi_extra=body_doc(ClassInput),
    response_model=Success[ClassView],
    responses=failures(400, 401, 403),
)
async def create_class(
    services: ServicesDep,
    teacher: Teacher,
    body: Annotated[ClassInput, Depends(json_body(ClassInput))],
) -> Response:
    return ok(await services.classes.create(teacher, body.className), 201)


@router.post(
    "/class/{class_id}/add-student",
    openapi_extra=body_doc(AddStudentInput),
    response_model=Success[ClassView],
    responses=failures(400, 401, 403, 404),
)
async def add_student(
    services: ServicesDep,
    teacher: Teacher,
    body: Annotated[AddStudentInput, Depends(json_body(AddStudentInput))],
    class_id: str,
) -> Response:
    return ok(await services.classes.add_student(teacher, class_id, body.studentId))


@router.get(
    "/class/{class_id}",
    response_model=Success[ClassDetail],
    responses=failures(401, 403, 404),
)
async def class_detail(services: ServicesDep, who: CurrentUser, class_id: str) -> Response:
    return ok(await services.classes.detail(who, class_id))


@router.get(
    "/students",
    openapi_extra=query_doc(StudentsQuery),
    response_model=Success[list[StudentView]],
    responses=failures(400, 401, 403),
)
async def students(
    services: ServicesDep,
    teacher: Teacher,
    params: Annotated[StudentsQuery, Depends(query(StudentsQuery))],
) -> Response:
    return ok(await services.classes.students(params))


@router.get("/classes", response_model=Success[list[ClassListing]], responses=failures(401))
async def my_classes(services: ServicesDep, who: CurrentUser) -> Response:
    return ok(await services.classes.of(who))
