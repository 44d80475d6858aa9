"""SPEC §2: sign-up, log-in, who-am-I, and the OAuth2 password flow for tools."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response
from typing_extensions import TypedDict

from headcount.domain import errors
from headcount.domain.errors import DomainError
from headcount.domain.inputs import LoginInput, SignupInput, TokenForm
from headcount.domain.views import UserView
from headcount.http.deps import ServicesDep, TokenHolder, body_doc, json_body, validated
from headcount.http.envelope import JSONResponse, ok
from headcount.http.schemas import Success, failures

router = APIRouter(prefix="/auth", tags=["auth"])


class TokenView(TypedDict):
    token: str


class TokenGrant(TypedDict):
    access_token: str
    token_type: Literal["bearer"]
    user: UserView


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post(
    "/signup",
    status_code=201,
    openapi_extra=body_doc(SignupInput),
    response_model=Success[UserView],
    responses=failures(400, 429),
)
async def signup(
    services: ServicesDep,
    request: Request,
    body: Annotated[SignupInput, Depends(json_body(SignupInput))],
) -> Response:
    return ok(await services.accounts.signup(body, _address(request)), 201)


@router.post(
    "/login",
    openapi_extra=body_doc(LoginInput),
    response_model=Success[TokenView],
    responses=failures(400, 429),
)
async def login(
    services: ServicesDep,
    request: Request,
    body: Annotated[LoginInput, Depends(json_body(LoginInput))],
) -> Response:
    token, _ = await services.accounts.login(body.email, body.password, _address(request))
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
async def token(services: ServicesDep, request: Request) -> Response:
    """OAuth2 password grant: answered outside the envelope, as OAuth2 clients expect."""
    try:
        form = validated(TokenForm, dict(await request.form()))
    except DomainError:
        raise
    except Exception:
        raise errors.invalid_schema() from None
    access_token, user = await services.accounts.login(
        form.username, form.password, _address(request)
    )
    return JSONResponse({"access_token": access_token, "token_type": "bearer", "user": user})
