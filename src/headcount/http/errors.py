"""Every failure, whatever raised it, leaves as the failure envelope with the contract's text
(the table is `headcount.failures`; what is HTTP's own, routing's 404 and 405, is here)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import Scope

from headcount.domain.errors import DomainError
from headcount.failures import Failure, failure_of, of_domain
from headcount.http.envelope import JSONResponse, fail

MESSAGE_OF_STATUS = {
    400: "Invalid request schema",
    401: "Unauthorized, token missing or invalid",
    404: "Not found",
    405: "Method not allowed",
    413: "Request body too large",
    415: "Invalid request schema",
    429: "Too many requests",
    503: "Service unavailable",
}


def answer(failure: Failure) -> Response:
    retry = failure.retry_after
    return fail(
        failure.status, failure.message, None if retry is None else {"Retry-After": str(retry)}
    )


async def _domain(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    if exc.details is not None:
        body = {"success": False, "error": exc.message, "errors": exc.details}
        return JSONResponse(body, of_domain(exc).status)
    return answer(of_domain(exc))


async def _http(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = MESSAGE_OF_STATUS.get(exc.status_code, "Internal server error")
    return fail(exc.status_code, message, headers=exc.headers)


async def _validation(_: Request, __: Exception) -> Response:
    return fail(400, "Invalid request schema")


def unexpected(scope: Scope, exc: Exception) -> Response:
    """Anything no handler took: 503 when a service cannot be reached, else 500."""
    return answer(failure_of(exc, scope["path"]))


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(RequestValidationError, _validation)
