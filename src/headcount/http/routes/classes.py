"""SPEC §3: classes, rosters and the student directory."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from headcount.domain.inputs import AddStudentInput, ClassInput, StudentsQuery
from headcount.domain.management_inputs import ClassChangesInput, ClassesQuery, EnrolInput
from headcount.domain.views import ClassDetail, ClassListing, ClassView, StudentView
from headcount.http.deps import (
    CurrentUser,
    Manager,
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
    manager: Manager,
    body: Annotated[AddStudentInput, Depends(json_body(AddStudentInput))],
    class_id: str,
) -> Response:
    return ok(await services.rosters.enrol(manager, class_id, [body.studentId]))


@router.post(
    "/class/{class_id}/students",
    openapi_extra=body_doc(EnrolInput),
    response_model=Success[ClassView],
    responses=failures(400, 401, 403, 404, 409),
)
async def enrol(
    services: ServicesDep,
    manager: Manager,
    body: Annotated[EnrolInput, Depends(json_body(EnrolInput))],
    class_id: str,
) -> Response:
    """Enrol up to 1,000 students of the class's school at once, all or nothing."""
    return ok(await services.rosters.enrol(manager, class_id, body.studentIds))


@router.delete(
    "/class/{class_id}/students/{student_id}",
    response_model=Success[ClassView],
    responses=failures(401, 403, 404),
)
async def unenrol(
    services: ServicesDep, manager: Manager, class_id: str, student_id: str
) -> Response:
    """Remove a student from the class; their past marks stay in its history."""
    return ok(await services.rosters.unenrol(manager, class_id, student_id))


@router.patch(
    "/class/{class_id}",
    openapi_extra=body_doc(ClassChangesInput),
    response_model=Success[ClassView],
    responses=failures(400, 401, 403, 404),
)
async def change_class(
    services: ServicesDep,
    manager: Manager,
    body: Annotated[ClassChangesInput, Depends(json_body(ClassChangesInput))],
    class_id: str,
) -> Response:
    """Rename the class (`className`), or bring it back from the archive (`archived: false`)."""
    return ok(await services.classes.change(manager, class_id, body))


@router.delete(
    "/class/{class_id}",
    response_model=Success[ClassView],
    responses=failures(401, 403, 404, 409),
)
async def archive_class(services: ServicesDep, manager: Manager, class_id: str) -> Response:
    """Archive the class: its history stays readable; it leaves `GET /classes`."""
    return ok(await services.classes.archive(manager, class_id))


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
    manager: Manager,
    params: Annotated[StudentsQuery, Depends(query(StudentsQuery))],
) -> Response:
    return ok(await services.listings.students(manager, params))


@router.get(
    "/classes",
    openapi_extra=query_doc(ClassesQuery),
    response_model=Success[list[ClassListing]],
    responses=failures(400, 401),
)
async def my_classes(
    services: ServicesDep,
    who: CurrentUser,
    params: Annotated[ClassesQuery, Depends(query(ClassesQuery))],
) -> Response:
    return ok(await services.listings.classes(who, params.archived))
