"""Administrators manage their schools' accounts (docs/roster.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from headcount.domain.management_inputs import (
    AccountChangesInput,
    AccountsQuery,
    ExcusalInput,
    ExcusalsQuery,
    NewAccountInput,
    RosterQuery,
)
from headcount.domain.views import AccountView, ExcusalView, RosterReport, SchoolView, SetupCodeView
from headcount.http.deps import Admin, ServicesDep, body_doc, json_body, query, query_doc
from headcount.http.envelope import ok
from headcount.http.schemas import RosterFailure, Success, failures

router = APIRouter(prefix="/admin", tags=["admin"])


@router.get("/schools", response_model=Success[list[SchoolView]], responses=failures(401, 403))
async def schools(services: ServicesDep, admin: Admin) -> Response:
    """The schools (and district) the administrator manages."""
    return ok(await services.schools.of(admin.user_id))


@router.get(
    "/users",
    openapi_extra=query_doc(AccountsQuery),
    response_model=Success[list[AccountView]],
    responses=failures(400, 401, 403),
)
async def accounts(
    services: ServicesDep,
    admin: Admin,
    params: Annotated[AccountsQuery, Depends(query(AccountsQuery))],
) -> Response:
    """The accounts of the administrator's schools, oldest first; `q` searches name and e-mail."""
    return ok(await services.directory.search(admin, params))


@router.post(
    "/users",
    status_code=201,
    openapi_extra=body_doc(NewAccountInput),
    response_model=Success[AccountView],
    responses=failures(400, 401, 403, 404),
)
async def create_account(
    services: ServicesDep,
    admin: Admin,
    body: Annotated[NewAccountInput, Depends(json_body(NewAccountInput))],
) -> Response:
    """A teacher, student or guardian; without a password, it is set up with a code."""
    return ok(await services.directory.create(admin, body), 201)


@router.patch(
    "/users/{user_id}",
    openapi_extra=body_doc(AccountChangesInput),
    response_model=Success[AccountView],
    responses=failures(400, 401, 403, 404),
)
async def change_account(
    services: ServicesDep,
    admin: Admin,
    body: Annotated[AccountChangesInput, Depends(json_body(AccountChangesInput))],
    user_id: str,
) -> Response:
    """Rename, move or (de)activate; deactivating ends the account's tokens and sockets."""
    return ok(await services.directory.change(admin, user_id, body))


@router.post(
    "/users/{user_id}/setup-code",
    response_model=Success[SetupCodeView],
    responses=failures(401, 403, 404),
)
async def setup_code(services: ServicesDep, admin: Admin, user_id: str) -> Response:
    """A new one-time code with which the user sets a password (`POST /auth/setup`)."""
    return ok(await services.directory.setup_code(admin, user_id))


@router.post(
    "/rosters",
    openapi_extra={
        **query_doc(RosterQuery),
        "requestBody": {
            "required": True,
            "content": {
                "application/zip": {"schema": {"type": "string", "format": "binary"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        },
    },
    response_model=Success[RosterReport],
    responses={
        **failures(401, 403, 413),
        400: {"model": RosterFailure, "description": "Invalid roster file, with every problem"},
    },
)
async def import_roster(
    services: ServicesDep,
    admin: Admin,
    params: Annotated[RosterQuery, Depends(query(RosterQuery))],
    request: Request,
) -> Response:
    """Import a OneRoster 1.1 CSV zip into the administrator's schools (docs/roster-import.md)."""
    report = await services.imports.by_admin(admin, await request.body(), params.dryRun)
    return ok(report.view())


@router.post(
    "/excusals",
    status_code=201,
    openapi_extra=body_doc(ExcusalInput),
    response_model=Success[ExcusalView],
    responses=failures(400, 401, 403, 404),
)
async def excuse(
    services: ServicesDep,
    admin: Admin,
    body: Annotated[ExcusalInput, Depends(json_body(ExcusalInput))],
) -> Response:
    """Excuse a student in advance: roll calls on those days start with them `excused`."""
    return ok(await services.excusals.record(admin, body), 201)


@router.get(
    "/excusals",
    openapi_extra=query_doc(ExcusalsQuery),
    response_model=Success[list[ExcusalView]],
    responses=failures(400, 401, 403),
)
async def excusals(
    services: ServicesDep,
    admin: Admin,
    params: Annotated[ExcusalsQuery, Depends(query(ExcusalsQuery))],
) -> Response:
    """Excusals of the administrator's students, earliest first."""
    return ok(await services.excusals.listing(admin, params))


@router.delete(
    "/excusals/{excusal_id}",
    response_model=Success[ExcusalView],
    responses=failures(401, 403, 404),
)
async def unexcuse(services: ServicesDep, admin: Admin, excusal_id: str) -> Response:
    """Withdraw an excusal; roll calls already started keep what they began with."""
    return ok(await services.excusals.remove(admin, excusal_id))
