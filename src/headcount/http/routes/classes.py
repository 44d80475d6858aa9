"""SPEC §3: classes, rosters and the student directory."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from headcount.domain.inputs import AddStudentInput, ClassInput, StudentsQuery
from headcount.http.deps import CurrentUser, ServicesDep, Teacher, body_doc, json_body, query
from headcount.http.envelope import ok

router = APIRouter(tags=["classes"])


@router.post("/class", status_code=201, openapi_extra=body_doc(ClassInput))
async def create_class(
    services: ServicesDep,
    teacher: Teacher,
    body: Annotated[ClassInput, Depends(json_body(ClassInput))],
) -> Response:
    return ok(await services.classes.create(teacher, body.className), 201)


@router.post("/class/{class_id}/add-student", openapi_extra=body_doc(AddStudentInput))
async def add_student(
    services: ServicesDep,
    teacher: Teacher,
    body: Annotated[AddStudentInput, Depends(json_body(AddStudentInput))],
    class_id: str,
) -> Response:
    return ok(await services.classes.add_student(teacher, class_id, body.studentId))


@router.get("/class/{class_id}")
async def class_detail(services: ServicesDep, who: CurrentUser, class_id: str) -> Response:
    return ok(await services.classes.detail(who, class_id))


@router.get("/students")
async def students(
    services: ServicesDep,
    teacher: Teacher,
    params: Annotated[StudentsQuery, Depends(query(StudentsQuery))],
) -> Response:
    return ok(await services.classes.students(params))


@router.get("/classes")
async def my_classes(services: ServicesDep, who: CurrentUser) -> Response:
    return ok(await services.classes.of(who))
