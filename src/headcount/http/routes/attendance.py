"""SPEC §4 and §8: roll calls started, checked into, and read afterwards."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from headcount import clock, csv_export
from headcount.domain.inputs import AttendanceQuery, CheckInInput, ClassQuery, StartInput
from headcount.domain.views import (
    AttendanceMatrix,
    AuditEvent,
    CheckInCode,
    PastStatus,
    SessionHistoryRow,
    SessionStarted,
    StatusView,
)
from headcount.http.deps import (
    Manager,
    ServicesDep,
    Student,
    body_doc,
    json_body,
    query,
    query_doc,
)
from headcount.http.envelope import ok
from headcount.http.schemas import Success, failures

router = APIRouter(tags=["attendance"])


@router.post(
    "/attendance/start",
    openapi_extra=body_doc(StartInput),
    response_model=Success[SessionStarted],
    responses=failures(400, 401, 403, 404),
)
async def start(
    services: ServicesDep,
    teacher: Manager,
    body: Annotated[StartInput, Depends(json_body(StartInput))],
) -> Response:
    return ok(await services.sessions.start(teacher, body))


@router.get(
    "/attendance/code",
    openapi_extra=query_doc(ClassQuery),
    response_model=Success[CheckInCode],
    responses=failures(400, 401, 403, 404, 409),
)
async def check_in_code(
    services: ServicesDep,
    teacher: Manager,
    params: Annotated[ClassQuery, Depends(query(ClassQuery))],
) -> Response:
    return ok(await services.sessions.check_in_code(teacher, params.classId, strict=True))


@router.post(
    "/attendance/check-in",
    openapi_extra=body_doc(CheckInInput),
    response_model=Success[StatusView],
    responses=failures(400, 401, 403, 404, 409, 429),
)
async def check_in(
    services: ServicesDep,
    student: Student,
    body: Annotated[CheckInInput, Depends(json_body(CheckInInput))],
) -> Response:
    return ok(await services.sessions.check_in(student, body.classId, body.code, strict=True))


@router.get(
    "/class/{class_id}/my-attendance",
    response_model=Success[StatusView],
    responses=failures(401, 403, 404),
)
async def my_attendance(services: ServicesDep, student: Student, class_id: str) -> Response:
    return ok(await services.history.last_status(student, class_id))


@router.get(
    "/class/{class_id}/my-history",
    response_model=Success[list[PastStatus]],
    responses=failures(401, 403, 404),
)
async def my_history(services: ServicesDep, student: Student, class_id: str) -> Response:
    """Every finished roll call of the class, newest first, with the caller's status in it."""
    return ok(await services.history.past_statuses(student, class_id))


@router.get(
    "/class/{class_id}/sessions",
    response_model=Success[list[SessionHistoryRow]],
    responses=failures(401, 403, 404),
)
async def sessions(services: ServicesDep, teacher: Manager, class_id: str) -> Response:
    return ok(await services.history.sessions(teacher, class_id))


@router.get(
    "/class/{class_id}/sessions/{session_id}/events",
    response_model=Success[list[AuditEvent]],
    responses=failures(401, 403, 404),
)
async def session_events(
    services: ServicesDep, teacher: Manager, class_id: str, session_id: str
) -> Response:
    return ok(await services.history.events(teacher, class_id, session_id))


@router.get(
    "/class/{class_id}/attendance",
    openapi_extra=query_doc(AttendanceQuery),
    response_model=Success[AttendanceMatrix],
    responses={
        **failures(400, 401, 403, 404),
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
    },
)
async def attendance(
    services: ServicesDep,
    teacher: Manager,
    class_id: str,
    params: Annotated[AttendanceQuery, Depends(query(AttendanceQuery))],
) -> Response:
    matrix = await services.history.matrix(teacher, class_id)
    if params.format == "csv":
        return Response(
            _csv(matrix, params.ids),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="attendance-{class_id}.csv"'},
        )
    return ok(matrix)


def _column_labels(matrix: AttendanceMatrix) -> list[str]:
    """Each session's start as people read it; a label already used gets a number."""
    seen: Counter[str] = Counter()
    labels = []
    for session in matrix["sessions"]:
        label = clock.readable(datetime.fromisoformat(session["startedAt"]))
        seen[label] += 1
        labels.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return labels


def _csv(matrix: AttendanceMatrix, with_ids: bool) -> str:
    """One row per student, one column per finished session; student ids only when asked."""
    header: list[csv_export.Cell] = ["studentId", "name", "email", *_column_labels(matrix), "rate"]
    rows = (
        [
            student["id"],
            student["name"],
            student["email"],
            *student["statuses"],
            None if student["rate"] is None else f"{student['rate']:.4f}",
        ]
        for student in matrix["students"]
    )
    table: list[list[csv_export.Cell]] = [header, *rows]
    return csv_export.render(table if with_ids else [row[1:] for row in table])
