"""SPEC §2: sign-up, log-in, who-am-I, and the OAuth2 password flow for tools."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response
from typing_extensions import TypedDict

from headcount.domain import errors
from headcount.domain.errors import DomainError
from headcount.domain.inputs import LoginInput, SignupInput, TokenForm
from headcount.domain.management_inputs import PasswordChangeInput, SetupInput
from headcount.domain.views import UserView
from headcount.http.deps import (
    ClientAddress,
    CurrentUser,
    ServicesDep,
    TokenHolder,
    body_doc,
    json_body,
    validated,
)
from headcount.http.envelope import JSONResponse, ok
from headcount.http.hangups import unless_hung_up
from headcount.http.schemas import Success, failures
from headcount.services import Services

router = APIRouter(prefix="/auth", tags=["auth"])


class TokenView(TypedDict):
    token: str


class TokenGrant(TypedDict):
    access_token: str
    token_type: Literal["bearer"]
    user: UserView


@router.post(
    "/signup",
    status_code=201,
    openapi_extra=body_doc(SignupInput),
    response_model=Success[UserView],
    responses=failures(400, 403, 429),
)
async def signup(
    services: ServicesDep,
    address: ClientAddress,
    body: Annotated[SignupInput, Depends(json_body(SignupInput))],
) -> Response:
    """Open to anyone, to students only, or closed, as `SIGNUP` says."""
    return ok(await services.accounts.signup(body, address), 201)


@router.post(
    "/login",
    openapi_extra=body_doc(LoginInput),
    response_model=Success[TokenView],
    responses=failures(400, 429),
)
async def login(
    services: ServicesDep,
    address: ClientAddress,
    body: Annotated[LoginInput, Depends(json_body(LoginInput))],
    request: Request,
) -> Response:
    return await unless_hung_up(request, _token(services, body.email, body.password, address))


async def _token(services: Services, email: str, password: str, address: str) -> Response:
    token, _ = await services.accounts.login(email, password, address)
    return ok({"token": token})


@router.get("/me", response_model=Success[UserView], responses=failures(401, 404))
async def me(services: ServicesDep, who: TokenHolder) -> Response:
    return ok(await services.accounts.me(who))


@router.post(
    "/token",
    response_model=TokenGrant,
    responses=failures(400, 429),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "required": ["username", "password"],
                        "properties": {
                            "username": {"type": "string", "description": "the email"},
                            "password": {"type": "string"},
                        },
                    }
                }
            },
        }
    },
)
async def token(services: ServicesDep, request: Request, address: ClientAddress) -> Response:
    """OAuth2 password grant: answered outside the envelope, as OAuth2 clients expect."""
    try:
        form = validated(TokenForm, dict(await request.form()))
    except DomainError:
        raise
    except Exception:
        raise errors.invalid_schema() from None
    return await unless_hung_up(request, _grant(services, form, address))


async def _grant(services: Services, form: TokenForm, address: str) -> Response:
    access_token, user = await services.accounts.login(form.username, form.password, address)
    return JSONResponse({"access_token": access_token, "token_type": "bearer", "user": user})


@router.post("/logout", response_model=Success[None], responses=failures(401))
async def logout(services: ServicesDep, who: CurrentUser) -> Response:
    """The token used is refused from now on, on every process, and its sockets close."""
    await services.credentials.logout(who)
    return ok(None)


@router.post(
    "/password",
    openapi_extra=body_doc(PasswordChangeInput),
    response_model=Success[None],
    responses=failures(400, 401, 429),
)
async def change_password(
    services: ServicesDep,
    who: CurrentUser,
    address: ClientAddress,
    body: Annotated[PasswordChangeInput, Depends(json_body(PasswordChangeInput))],
) -> Response:
    """A new password; the user's other tokens are revoked, the one used stays good."""
    await services.credentials.change_password(who, body.currentPassword, body.newPassword, address)
    return ok(None)


@router.post(
    "/setup",
    openapi_extra=body_doc(SetupInput),
    response_model=Success[TokenView],
    responses=failures(400, 429),
)
async def setup(
    services: ServicesDep,
    address: ClientAddress,
    body: Annotated[SetupInput, Depends(json_body(SetupInput))],
) -> Response:
    """Set the password of an account that has none, with its one-time setup code."""
    token, _ = await services.credentials.setup(body.email, body.code, body.password, address)
    return ok({"token": token})
