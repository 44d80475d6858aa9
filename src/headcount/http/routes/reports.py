"""School-wide reports over finished roll calls, as JSON or CSV (docs/records.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.responses import Response

from headcount import csv_export
from headcount.domain.report_inputs import ChronicQuery, NotTakenQuery, ReportQuery, StreakQuery
from headcount.domain.report_views import AbsenceStreak, ChronicAbsence, NotTaken, StudentTotals
from headcount.http.deps import Manager, ServicesDep, query, query_doc
from headcount.http.envelope import ok
from headcount.http.schemas import Success, failures

router = APIRouter(tags=["reports"])


def _cell(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def _respond(name: str, rows: Sequence[Mapping[str, Any]], columns: type, format: str) -> Response:
    """The report in the envelope, or as a CSV file with one column per field."""
    if format != "csv":
        return ok(list(rows))
    header: list[csv_export.Cell] = list(columns.__annotations__)
    table: list[list[csv_export.Cell]] = [
        header,
        *([_cell(row[str(k)]) for k in header] for row in rows),
    ]
    return Response(
        csv_export.render(table),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def _doc(model: type) -> dict[str, Any]:
    return {
        "response_model": Success[list[model]],  # type: ignore[valid-type]
        "responses": {
            **failures(400, 401, 403),
            200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
        },
    }


@router.get("/reports/students", openapi_extra=query_doc(ReportQuery), **_doc(StudentTotals))
async def students(
    services: ServicesDep,
    who: Manager,
    params: Annotated[ReportQuery, Depends(query(ReportQuery))],
) -> Response:
    rows = await services.reports.students(who, params)
    return _respond("students", rows, StudentTotals, params.format)


@router.get(
    "/reports/chronic-absence", openapi_extra=query_doc(ChronicQuery), **_doc(ChronicAbsence)
)
async def chronic_absence(
    services: ServicesDep,
    who: Manager,
    params: Annotated[ChronicQuery, Depends(query(ChronicQuery))],
) -> Response:
    rows = await services.reports.chronic(who, params)
    return _respond("chronic-absence", rows, ChronicAbsence, params.format)


@router.get("/reports/absence-streaks", openapi_extra=query_doc(StreakQuery), **_doc(AbsenceStreak))
async def absence_streaks(
    services: ServicesDep,
    who: Manager,
    params: Annotated[StreakQuery, Depends(query(StreakQuery))],
) -> Response:
    rows = await services.reports.streaks(who, params)
    return _respond("absence-streaks", rows, AbsenceStreak, params.format)


@router.get("/reports/not-taken", openapi_extra=query_doc(NotTakenQuery), **_doc(NotTaken))
async def not_taken(
    services: ServicesDep,
    who: Manager,
    params: Annotated[NotTakenQuery, Depends(query(NotTakenQuery))],
) -> Response:
    rows = await services.reports.not_taken(who, params)
    return _respond("not-taken", rows, NotTaken, params.format)
