"""Route dependencies, named once. Authentication reads only the raw request, so it runs (and
refuses with 401) before any body or query is looked at (SPEC §1's order of checks)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import orjson
from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError

from headcount.domain import errors
from headcount.security import InvalidToken, Principal, Role
from headcount.services import Services

M = TypeVar("M", bound=BaseModel)


# Every dependency is `async def`: FastAPI runs a plain `def` in the thread pool, which cost
# a tenth of a request's time in the profile of GET /auth/me.
def _services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


async def services(request: Request) -> Services:
    return _services(request)


async def token_holder(request: Request) -> Principal:
    """Whoever the token names, whether or not the account still exists."""
    try:
        who = _services(request).tokens.from_header(request.headers.get("authorization"))
    except InvalidToken:
        raise errors.unauthorized() from None
    request.state.user_id = str(who.user_id)  # for the access log
    return who


async def authenticate(
    request: Request, who: Annotated[Principal, Depends(token_holder)]
) -> Principal:
    """A token still good, of an account that still exists."""
    if not await _services(request).accounts.honours(who):
        raise errors.unauthorized()
    return who


def _role(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """Callers of these roles; anyone else is refused as not being the first of them."""

    async def check(who: Annotated[Principal, Depends(authenticate)]) -> Principal:
        if who.role not in roles:
            raise errors.role_required(roles[0])
        return who

    return check


async def client_address(request: Request) -> str:
    """Who is asking, as far as the limits are concerned (uvicorn applies trusted proxies)."""
    return request.client.host if request.client else "unknown"


ServicesDep = Annotated[Services, Depends(services)]
ClientAddress = Annotated[str, Depends(client_address)]
TokenHolder = Annotated[Principal, Depends(token_holder)]
CurrentUser = Annotated[Principal, Depends(authenticate)]
Teacher = Annotated[Principal, Depends(_role("teacher"))]
# A class's teacher or an administrator of its school: whoever may manage a class.
Manager = Annotated[Principal, Depends(_role("teacher", "admin"))]
Student = Annotated[Principal, Depends(_role("student"))]
Admin = Annotated[Principal, Depends(_role("admin"))]
Guardian = Annotated[Principal, Depends(_role("guardian"))]


def _is_json(content_type: str | None) -> bool:
    if content_type is None:
        return True
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def validated(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError:
        raise errors.invalid_schema() from None


def json_body(model: type[M]) -> Callable[[Request], Awaitable[M]]:
    """The body as `model`, or 400. Declare it after the auth dependency of the route."""

    async def parse(request: Request) -> M:
        if not _is_json(request.headers.get("content-type")):
            raise errors.invalid_schema()
        try:
            data = orjson.loads(await request.body())
        except orjson.JSONDecodeError:
            raise errors.invalid_schema() from None
        if not isinstance(data, dict):
            raise errors.invalid_schema()
        return validated(model, data)

    return parse


def query(model: type[M]) -> Callable[[Request], Awaitable[M]]:
    async def parse(request: Request) -> M:
        return validated(model, dict(request.query_params))

    return parse


def query_doc(model: type[BaseModel]) -> dict[str, Any]:
    """`openapi_extra` documenting query parameters that `query` reads by hand."""
    schema = model.model_json_schema()
    return {
        "parameters": [
            {
                "name": name,
                "in": "query",
                "required": name in schema.get("required", []),
                "schema": field,
            }
            for name, field in schema["properties"].items()
        ]
    }


def body_doc(model: type[BaseModel]) -> dict[str, Any]:
    """`openapi_extra` documenting a body that `json_body` reads by hand."""
    schema = {"schema": model.model_json_schema()}
    return {"requestBody": {"required": True, "content": {"application/json": schema}}}
